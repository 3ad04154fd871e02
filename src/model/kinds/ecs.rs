//! ECS clusters, services and active task definitions, listed in each region
//! (`ListClusters` then `DescribeClusters`, `ListServices` then `DescribeServices` per
//! cluster, `ListTaskDefinitions`). A service is named `CLUSTER/SERVICE`, as Terraform
//! imports it; a task definition `FAMILY:REVISION`. Clusters and services carry their
//! tags; task definitions take theirs from the tagging API.

use super::{Cleanup, Declared, Import, Kind, PartKind, Price, by_arn, delete, part, spec, tags_from_tagging};

const CLUSTER: &str = "ecs:cluster";
const SERVICE: &str = "ecs:service";
const TASK_DEFINITION: &str = "ecs:task-definition";

pub const CLUSTER_KIND: Kind = Kind {
    spec: spec(CLUSTER, "ecs", "cluster", Some("ListClusters"), None, &["INACTIVE"], "ECS cluster"),
    declared_by: Declared::Types(&[
        by_arn("aws_ecs_cluster", CLUSTER),
        part("aws_ecs_cluster_capacity_providers", CLUSTER, "cluster_name", PartKind::Other("capacity providers")),
    ]),
    ownership: &[],
    price: Price::Free,
    cleanup: delete(2, "ecs", "delete-cluster", "--cluster"),
    import: Import::Id("aws_ecs_cluster"),
    needs: &[],
    iam: &["ecs:DescribeClusters", "ecs:ListClusters"],
};

pub const SERVICE_KIND: Kind = Kind {
    spec: spec(SERVICE, "ecs", "service", Some("ListServices"), None, &["INACTIVE"], "ECS service"),
    declared_by: Declared::Types(&[by_arn("aws_ecs_service", SERVICE)]),
    ownership: &[CLUSTER],
    price: Price::Unknown("charged by the tasks it runs (Fargate or instances), which are not listed"),
    cleanup: Cleanup::Refused(
        "it must be scaled to zero and deleted with its cluster named: `aws ecs delete-service --cluster CLUSTER \
         --service SERVICE --force`",
    ),
    import: Import::Id("aws_ecs_service"),
    needs: &[],
    iam: &["ecs:DescribeServices", "ecs:ListServices"],
};

pub const TASK_DEFINITION_KIND: Kind = Kind {
    spec: tags_from_tagging(spec(
        TASK_DEFINITION,
        "ecs",
        "task-definition",
        Some("ListTaskDefinitions"),
        None,
        &["INACTIVE", "DELETE_IN_PROGRESS"],
        "task definition",
    )),
    declared_by: Declared::Types(&[by_arn("aws_ecs_task_definition", TASK_DEFINITION)]),
    ownership: &[],
    price: Price::Free,
    cleanup: delete(1, "ecs", "deregister-task-definition", "--task-definition"),
    import: Import::Arn("aws_ecs_task_definition"),
    needs: &[],
    iam: &["ecs:ListTaskDefinitions"],
};
