//! Elastic Load Balancing: load balancers of both APIs (application, network and gateway
//! through `elbv2`, classic through `elb`) under one kind, told apart by the id
//! (`app/NAME/ID`, `net/…`, `gwy/…`, or a classic `NAME`), and target groups. Listeners,
//! listener rules, certificates and attachments are parts of what they belong to.

use super::{
    By, Declared, Import, Kind, PartKind, Price, by_arn, delete, id, naming, part, planned, spec, tags_from_tagging,
};

const LB: &str = "elasticloadbalancing:loadbalancer";
const TG: &str = "elasticloadbalancing:targetgroup";

pub const LOAD_BALANCER: Kind = Kind {
    spec: tags_from_tagging(spec(
        LB,
        "elasticloadbalancing",
        "loadbalancer",
        Some("DescribeLoadBalancers"),
        None,
        &[],
        "load balancer",
    )),
    declared_by: Declared::Types(&[
        by_arn("aws_alb", LB),
        part("aws_alb_listener", LB, "load_balancer_arn", PartKind::Other("listener")),
        part("aws_alb_listener_rule", LB, "listener_arn", PartKind::Other("listener rule")),
        part("aws_app_cookie_stickiness_policy", LB, "load_balancer", PartKind::Other("stickiness policy")),
        id("aws_elb", LB),
        part("aws_elb_attachment", LB, "elb", PartKind::Other("attachment")),
        by_arn("aws_lb", LB),
        part("aws_lb_cookie_stickiness_policy", LB, "load_balancer", PartKind::Other("stickiness policy")),
        part("aws_lb_listener", LB, "load_balancer_arn", PartKind::Other("listener")),
        part("aws_lb_listener_certificate", LB, "listener_arn", PartKind::Other("listener certificate")),
        part("aws_lb_listener_rule", LB, "listener_arn", PartKind::Other("listener rule")),
        part("aws_lb_ssl_negotiation_policy", LB, "load_balancer", PartKind::Other("SSL negotiation policy")),
        part("aws_load_balancer_backend_server_policy", LB, "load_balancer_name", PartKind::Other("backend policy")),
        part("aws_load_balancer_listener_policy", LB, "load_balancer_name", PartKind::Other("listener policy")),
        part("aws_load_balancer_policy", LB, "load_balancer_name", PartKind::Other("policy")),
        part("aws_proxy_protocol_policy", LB, "load_balancer", PartKind::Other("proxy protocol policy")),
    ]),
    ownership: &[],
    price: Price::Table("per hour by load balancer type (capacity units not counted)"),
    cleanup: planned(0),
    import: Import::LoadBalancer,
    needs: &[],
    iam: &["elasticloadbalancing:DescribeLoadBalancers"],
};

pub const TARGET_GROUP: Kind = Kind {
    spec: tags_from_tagging(spec(
        TG,
        "elasticloadbalancing",
        "targetgroup",
        Some("DescribeTargetGroups"),
        None,
        &[],
        "target group",
    )),
    declared_by: Declared::Types(&[
        by_arn("aws_alb_target_group", TG),
        part("aws_alb_target_group_attachment", TG, "target_group_arn", PartKind::Other("attachment")),
        by_arn("aws_lb_target_group", TG),
        part("aws_lb_target_group_attachment", TG, "target_group_arn", PartKind::Other("attachment")),
    ]),
    ownership: &[LB],
    price: Price::Free,
    cleanup: naming(delete(1, "elbv2", "delete-target-group", "--target-group-arn"), By::Arn),
    import: Import::Arn("aws_lb_target_group"),
    needs: &[],
    iam: &["elasticloadbalancing:DescribeTargetGroups"],
};
