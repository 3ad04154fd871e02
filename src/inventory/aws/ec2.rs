//! ec2: lists EC2 and VPC resources of one region, one paginated listing per kind. The
//! answers of `DescribeInstances`, `DescribeNetworkInterfaces`, `DescribeVolumes` and
//! `DescribeSnapshots` are read lean, to the fields read here (`aws::lean`): a field read
//! from them must be read there too.

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::Tag;

use super::{Ctx, Listing};
use crate::aws::failure::failure;
use crate::inventory::LiveResource;
use crate::model::kinds;
use crate::model::relation::RelationKind as R;
use crate::model::subresource::{NetworkAclEntry, Route, SecurityGroupRule};

fn tags(tags: &[Tag]) -> impl Iterator<Item = (Option<&str>, Option<&str>)> {
    tags.iter().map(|t| (t.key(), t.value()))
}

pub async fn vpcs(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("ec2", out, ctx, client.describe_vpcs(), "DescribeVpcs", &["ec2:vpc"], |page| {
        for vpc in page.vpcs() {
            let Some(id) = vpc.vpc_id() else { continue };
            let mut r = LiveResource::new("ec2:vpc", id, &ctx.account, &ctx.region);
            r.set_tags(tags(vpc.tags()));
            r.status = vpc.state().map(|s| s.as_str().to_owned());
            r.set_attr_opt("cidr_block", vpc.cidr_block());
            let cidrs: Vec<&str> = vpc.cidr_block_association_set().iter().filter_map(|a| a.cidr_block()).collect();
            if cidrs.len() > 1 {
                r.set_attr("cidr_blocks", cidrs);
            }
            r.set_attr("is_default", vpc.is_default().unwrap_or(false));
            r.set_attr_opt("owner_id", vpc.owner_id());
            out.resources.push(r);
        }
    });
    out
}

pub async fn subnets(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("ec2", out, ctx, client.describe_subnets(), "DescribeSubnets", &["ec2:subnet"], |page| {
        for subnet in page.subnets() {
            let Some(id) = subnet.subnet_id() else { continue };
            let mut r = LiveResource::new("ec2:subnet", id, &ctx.account, &ctx.region);
            if let Some(arn) = subnet.subnet_arn() {
                arn.clone_into(&mut r.arn);
            }
            r.set_tags(tags(subnet.tags()));
            r.status = subnet.state().map(|s| s.as_str().to_owned());
            r.relate(R::InVpc, "ec2:vpc", subnet.vpc_id());
            r.set_attr_opt("cidr_block", subnet.cidr_block());
            if let Some(v6) = subnet.ipv6_cidr_block_association_set().iter().find_map(|a| a.ipv6_cidr_block()) {
                r.set_attr("ipv6_cidr_block", v6);
            }
            r.set_attr_opt("availability_zone", subnet.availability_zone());
            r.set_attr("default_for_az", subnet.default_for_az().unwrap_or(false));
            r.set_attr("map_public_ip_on_launch", subnet.map_public_ip_on_launch().unwrap_or(false));
            out.resources.push(r);
        }
    });
    out
}

pub async fn route_tables(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!(
        "ec2",
        out,
        ctx,
        client.describe_route_tables(),
        "DescribeRouteTables",
        &["ec2:route-table", "ec2:route"],
        |page| {
            for table in page.route_tables() {
                let Some(id) = table.route_table_id() else { continue };
                let mut r = LiveResource::new("ec2:route-table", id, &ctx.account, &ctx.region);
                r.set_tags(tags(table.tags()));
                r.relate(R::InVpc, "ec2:vpc", table.vpc_id());
                r.set_attr_opt("owner_id", table.owner_id());
                let mut main = false;
                for assoc in table.associations() {
                    let state = assoc
                        .association_state()
                        .and_then(|s| s.state())
                        .map(aws_sdk_ec2::types::RouteTableAssociationStateCode::as_str);
                    if matches!(state, Some("disassociated" | "disassociating" | "failed")) {
                        continue;
                    }
                    if assoc.main().unwrap_or(false) {
                        main = true;
                    }
                    // The association's id is what disassociating (a cleanup plan) needs.
                    let association = assoc.route_table_association_id().filter(|a| !a.is_empty());
                    let mut associate = |kind: &str, target: Option<&str>| match association {
                        Some(id) => r.relate_detail(R::AssociatedWith, kind, target, id),
                        None => r.relate(R::AssociatedWith, kind, target),
                    };
                    associate("ec2:subnet", assoc.subnet_id());
                    if let Some(gateway) = assoc.gateway_id() {
                        associate(kinds::kind_of_id(gateway).map_or("ec2:internet-gateway", |s| s.kind), Some(gateway));
                    }
                }
                r.set_attr("main", main);
                for route in table.routes() {
                    let destination = route
                        .destination_cidr_block()
                        .or(route.destination_ipv6_cidr_block())
                        .or(route.destination_prefix_list_id())
                        .unwrap_or_default()
                        .to_owned();
                    let target = route
                        .vpc_peering_connection_id()
                        .or(route.nat_gateway_id())
                        .or(route.transit_gateway_id())
                        .or(route.network_interface_id())
                        .or(route.instance_id())
                        .or(route.egress_only_internet_gateway_id())
                        .or(route.local_gateway_id())
                        .or(route.carrier_gateway_id())
                        .or(route.gateway_id())
                        .or(route.core_network_arn())
                        .map(str::to_owned);
                    if let Some(target) = target.as_deref().filter(|t| *t != "local") {
                        let kind = kinds::kind_of_id(target).map_or("ec2:gateway", |s| s.kind);
                        r.relate_detail(R::RoutesTo, kind, Some(target), destination.clone());
                    }
                    r.parts.routes.push(Route {
                        destination,
                        target,
                        state: route.state().map(|s| s.as_str().to_owned()),
                        origin: route.origin().map(|o| o.as_str().to_owned()),
                    });
                }
                out.resources.push(r);
            }
        }
    );
    out
}

pub async fn internet_gateways(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!(
        "ec2",
        out,
        ctx,
        client.describe_internet_gateways(),
        "DescribeInternetGateways",
        &["ec2:internet-gateway"],
        |page| {
            for igw in page.internet_gateways() {
                let Some(id) = igw.internet_gateway_id() else { continue };
                let mut r = LiveResource::new("ec2:internet-gateway", id, &ctx.account, &ctx.region);
                r.set_tags(tags(igw.tags()));
                r.set_attr_opt("owner_id", igw.owner_id());
                for attachment in igw.attachments() {
                    r.relate(R::AttachedTo, "ec2:vpc", attachment.vpc_id());
                }
                out.resources.push(r);
            }
        }
    );
    out
}

pub async fn nat_gateways(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("ec2", out, ctx, client.describe_nat_gateways(), "DescribeNatGateways", &["ec2:natgateway"], |page| {
        for nat in page.nat_gateways() {
            let Some(id) = nat.nat_gateway_id() else { continue };
            let mut r = LiveResource::new("ec2:natgateway", id, &ctx.account, &ctx.region);
            r.set_tags(tags(nat.tags()));
            r.status = nat.state().map(|s| s.as_str().to_owned());
            r.set_created(nat.create_time());
            r.relate(R::InVpc, "ec2:vpc", nat.vpc_id());
            r.relate(R::InSubnet, "ec2:subnet", nat.subnet_id());
            r.set_attr_opt(
                "connectivity_type",
                nat.connectivity_type().map(aws_sdk_ec2::types::ConnectivityType::as_str),
            );
            let mut interfaces = Vec::new();
            for address in nat.nat_gateway_addresses() {
                r.relate(R::References, "ec2:elastic-ip", address.allocation_id());
                if let Some(eni) = address.network_interface_id() {
                    interfaces.push(eni.to_owned());
                }
            }
            r.set_attr("network_interface_ids", interfaces);
            out.resources.push(r);
        }
    });
    out
}

pub async fn addresses(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    match client.describe_addresses().send().await {
        Ok(page) => {
            let Some(ctx) = ctx.known().await else { return out };
            for address in page.addresses() {
                let Some(id) = address.allocation_id().or(address.public_ip()) else { continue };
                let mut r = LiveResource::new("ec2:elastic-ip", id, &ctx.account, &ctx.region);
                r.set_tags(tags(address.tags()));
                r.set_attr_opt("public_ip", address.public_ip());
                r.set_attr_opt("domain", address.domain().map(aws_sdk_ec2::types::DomainType::as_str));
                r.set_attr_opt("association_id", address.association_id());
                r.set_attr("associated", address.association_id().is_some());
                r.set_attr_opt(
                    "service_managed",
                    address.service_managed().map(aws_sdk_ec2::types::ServiceManaged::as_str),
                );
                r.relate(R::AttachedTo, "ec2:instance", address.instance_id());
                r.relate(R::AttachedTo, "ec2:network-interface", address.network_interface_id());
                out.resources.push(r);
            }
        }
        Err(err) => out.failures.push(failure("ec2", "DescribeAddresses", &["ec2:elastic-ip"], &err)),
    }
    out
}

pub async fn network_interfaces(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!(
        "ec2",
        out,
        ctx,
        client.describe_network_interfaces(),
        "DescribeNetworkInterfaces",
        &["ec2:network-interface"],
        |page| {
            for eni in page.network_interfaces() {
                let Some(id) = eni.network_interface_id() else { continue };
                let mut r = LiveResource::new("ec2:network-interface", id, &ctx.account, &ctx.region);
                r.set_tags(tags(eni.tag_set()));
                r.status = eni.status().map(|s| s.as_str().to_owned());
                r.relate(R::InVpc, "ec2:vpc", eni.vpc_id());
                r.relate(R::InSubnet, "ec2:subnet", eni.subnet_id());
                for group in eni.groups() {
                    r.relate(R::UsesSecurityGroup, "ec2:security-group", group.group_id());
                }
                r.set_attr_opt("description", eni.description().filter(|d| !d.is_empty()));
                r.set_attr_opt(
                    "interface_type",
                    eni.interface_type().map(aws_sdk_ec2::types::NetworkInterfaceType::as_str),
                );
                r.set_attr("requester_managed", eni.requester_managed().unwrap_or(false));
                r.set_attr_opt("requester_id", eni.requester_id());
                r.set_attr_opt("private_ip", eni.private_ip_address());
                if let Some(attachment) = eni.attachment() {
                    if let Some(instance) = attachment.instance_id() {
                        let index = attachment.device_index().unwrap_or(-1);
                        r.relate_detail(R::AttachedTo, "ec2:instance", Some(instance), format!("device-index {index}"));
                        r.set_attr("primary", index == 0);
                    }
                    r.set_attr_opt("instance_owner_id", attachment.instance_owner_id());
                }
                out.resources.push(r);
            }
        }
    );
    out
}

/// Security groups and their rules. The rules come from their own listing, which gives
/// each its `sgr-` id; it needs nothing the groups' listing answers, so both run at once.
pub async fn security_groups(client: Client, ctx: Ctx) -> Listing {
    let groups = async {
        let mut out = Listing::default();
        pages!(
            "ec2",
            out,
            ctx,
            client.describe_security_groups(),
            "DescribeSecurityGroups",
            &["ec2:security-group"],
            |page| {
                for group in page.security_groups() {
                    let Some(id) = group.group_id() else { continue };
                    let mut r = LiveResource::new("ec2:security-group", id, &ctx.account, &ctx.region);
                    if let Some(arn) = group.security_group_arn() {
                        arn.clone_into(&mut r.arn);
                    }
                    r.set_tags(tags(group.tags()));
                    r.relate(R::InVpc, "ec2:vpc", group.vpc_id());
                    r.set_attr_opt("group_name", group.group_name());
                    r.set_attr_opt("description", group.description());
                    r.set_attr_opt("owner_id", group.owner_id());
                    out.resources.push(r);
                }
            }
        );
        out
    };
    let rules = async {
        let mut out = Listing::default();
        let mut rules: std::collections::HashMap<String, Vec<SecurityGroupRule>> = std::collections::HashMap::new();
        // The account of each group a rule names, when it is another account's.
        let mut peer_accounts: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        pages!(
            "ec2",
            out,
            ctx,
            client.describe_security_group_rules(),
            "DescribeSecurityGroupRules",
            &["ec2:security-group-rule"],
            |page| {
                for rule in page.security_group_rules() {
                    let Some(group) = rule.group_id() else { continue };
                    if let Some(peer) = rule.referenced_group_info()
                        && let (Some(peer_group), Some(owner)) = (peer.group_id(), peer.user_id())
                        && owner != ctx.account
                    {
                        peer_accounts.insert(peer_group.to_owned(), owner.to_owned());
                    }
                    rules.entry(group.to_owned()).or_default().push(SecurityGroupRule {
                        id: rule.security_group_rule_id().map(str::to_owned),
                        egress: rule.is_egress().unwrap_or(false),
                        protocol: rule.ip_protocol().unwrap_or("-1").to_owned(),
                        from_port: rule.from_port().unwrap_or(-1),
                        to_port: rule.to_port().unwrap_or(-1),
                        cidr_ipv4: rule.cidr_ipv4().map(str::to_owned),
                        cidr_ipv6: rule.cidr_ipv6().map(str::to_owned),
                        prefix_list: rule.prefix_list_id().map(str::to_owned),
                        group: rule.referenced_group_info().and_then(|g| g.group_id()).map(str::to_owned),
                    });
                }
            }
        );
        (out, rules, peer_accounts)
    };
    let (mut out, (rules_out, mut rules, peer_accounts)) = tokio::join!(groups, rules);
    out.failures.extend(rules_out.failures);
    for r in &mut out.resources {
        if let Some(mut group_rules) = rules.remove(&r.id) {
            group_rules.sort_by_key(SecurityGroupRule::key);
            for rule in &group_rules {
                if let Some(peer) = &rule.group {
                    let account = peer_accounts.get(peer).map(String::as_str);
                    r.relate_in(R::References, "ec2:security-group", Some(peer), account, rule.describe());
                }
            }
            r.parts.rules = group_rules;
        }
    }
    out
}

pub async fn network_acls(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("ec2", out, ctx, client.describe_network_acls(), "DescribeNetworkAcls", &["ec2:network-acl"], |page| {
        for acl in page.network_acls() {
            let Some(id) = acl.network_acl_id() else { continue };
            let mut r = LiveResource::new("ec2:network-acl", id, &ctx.account, &ctx.region);
            r.set_tags(tags(acl.tags()));
            r.relate(R::InVpc, "ec2:vpc", acl.vpc_id());
            r.set_attr("is_default", acl.is_default().unwrap_or(false));
            for assoc in acl.associations() {
                r.relate(R::AssociatedWith, "ec2:subnet", assoc.subnet_id());
            }
            for entry in acl.entries() {
                r.parts.entries.push(NetworkAclEntry {
                    rule_number: entry.rule_number().unwrap_or(32767),
                    egress: entry.egress().unwrap_or(false),
                    protocol: entry.protocol().unwrap_or("-1").to_owned(),
                    action: entry.rule_action().map_or("deny", |a| a.as_str()).to_owned(),
                    cidr: entry.cidr_block().map(str::to_owned),
                    ipv6_cidr: entry.ipv6_cidr_block().map(str::to_owned),
                    from_port: entry.port_range().and_then(aws_sdk_ec2::types::PortRange::from),
                    to_port: entry.port_range().and_then(aws_sdk_ec2::types::PortRange::to),
                });
            }
            r.parts.entries.sort_by_key(|e| (e.egress, e.rule_number));
            out.resources.push(r);
        }
    });
    out
}

pub async fn peering_connections(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!(
        "ec2",
        out,
        ctx,
        client.describe_vpc_peering_connections(),
        "DescribeVpcPeeringConnections",
        &["ec2:vpc-peering-connection"],
        |page| {
            for pcx in page.vpc_peering_connections() {
                let Some(id) = pcx.vpc_peering_connection_id() else { continue };
                let mut r = LiveResource::new("ec2:vpc-peering-connection", id, &ctx.account, &ctx.region);
                r.set_tags(tags(pcx.tags()));
                r.status = pcx.status().and_then(|s| s.code()).map(|c| c.as_str().to_owned());
                r.set_attr_opt("status_message", pcx.status().and_then(|s| s.message()));
                for (side, info) in [("requester", pcx.requester_vpc_info()), ("accepter", pcx.accepter_vpc_info())] {
                    let Some(info) = info else { continue };
                    r.relate_in(R::PeersWith, "ec2:vpc", info.vpc_id(), info.owner_id(), side);
                    r.set_attr_opt(&format!("{side}_vpc_id"), info.vpc_id());
                    r.set_attr_opt(&format!("{side}_owner_id"), info.owner_id());
                    r.set_attr_opt(&format!("{side}_region"), info.region());
                    r.set_attr_opt(&format!("{side}_cidr_block"), info.cidr_block());
                }
                r.set_attr_opt("expiration_time", pcx.expiration_time().map(ToString::to_string));
                out.resources.push(r);
            }
        }
    );
    out
}

pub async fn instances(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("ec2", out, ctx, client.describe_instances(), "DescribeInstances", &["ec2:instance"], |page| {
        for reservation in page.reservations() {
            for instance in reservation.instances() {
                let Some(id) = instance.instance_id() else { continue };
                let mut r = LiveResource::new("ec2:instance", id, &ctx.account, &ctx.region);
                r.set_tags(tags(instance.tags()));
                r.status = instance.state().and_then(|s| s.name()).map(|n| n.as_str().to_owned());
                r.set_created(instance.launch_time());
                r.relate(R::InVpc, "ec2:vpc", instance.vpc_id());
                r.relate(R::InSubnet, "ec2:subnet", instance.subnet_id());
                for group in instance.security_groups() {
                    r.relate(R::UsesSecurityGroup, "ec2:security-group", group.group_id());
                }
                r.relate(R::References, "ec2:key-pair", instance.key_name());
                r.relate(R::References, "ec2:image", instance.image_id());
                r.set_attr_opt("instance_type", instance.instance_type().map(aws_sdk_ec2::types::InstanceType::as_str));
                r.set_attr_opt("image_id", instance.image_id());
                r.set_attr_opt("key_name", instance.key_name());
                r.set_attr_opt("private_ip", instance.private_ip_address());
                r.set_attr_opt(
                    "instance_lifecycle",
                    instance.instance_lifecycle().map(aws_sdk_ec2::types::InstanceLifecycleType::as_str),
                );
                let root = instance.root_device_name();
                r.set_attr_opt("root_device_name", root);
                let mut volumes = Vec::new();
                for mapping in instance.block_device_mappings() {
                    let Some(volume) = mapping.ebs().and_then(|e| e.volume_id()) else { continue };
                    if root.is_some() && mapping.device_name() == root {
                        r.set_attr("root_volume_id", volume);
                    }
                    volumes.push(volume.to_owned());
                }
                r.set_attr("volume_ids", volumes);
                out.resources.push(r);
            }
        }
    });
    out
}

pub async fn volumes(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("ec2", out, ctx, client.describe_volumes(), "DescribeVolumes", &["ec2:volume"], |page| {
        for volume in page.volumes() {
            let Some(id) = volume.volume_id() else { continue };
            let mut r = LiveResource::new("ec2:volume", id, &ctx.account, &ctx.region);
            r.set_tags(tags(volume.tags()));
            r.status = volume.state().map(|s| s.as_str().to_owned());
            r.set_created(volume.create_time());
            r.set_attr_opt("size", volume.size());
            r.set_attr_opt("volume_type", volume.volume_type().map(aws_sdk_ec2::types::VolumeType::as_str));
            r.set_attr_opt("availability_zone", volume.availability_zone());
            r.set_attr_opt("snapshot_id", volume.snapshot_id().filter(|s| !s.is_empty()));
            r.set_attr_opt("iops", volume.iops());
            for attachment in volume.attachments() {
                r.relate_detail(
                    R::AttachedTo,
                    "ec2:instance",
                    attachment.instance_id(),
                    attachment.device().unwrap_or_default(),
                );
                r.set_attr_opt("delete_on_termination", attachment.delete_on_termination());
            }
            out.resources.push(r);
        }
    });
    out
}

pub async fn snapshots(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!(
        "ec2",
        out,
        ctx,
        client.describe_snapshots().owner_ids("self"),
        "DescribeSnapshots",
        &["ec2:snapshot"],
        |page| {
            for snapshot in page.snapshots() {
                // Keep only what the scanned account owns, whatever the endpoint returned.
                if snapshot.owner_id() != Some(ctx.account.as_str()) {
                    continue;
                }
                let Some(id) = snapshot.snapshot_id() else { continue };
                let mut r = LiveResource::new("ec2:snapshot", id, &ctx.account, &ctx.region);
                r.set_tags(tags(snapshot.tags()));
                r.status = snapshot.state().map(|s| s.as_str().to_owned());
                r.set_created(snapshot.start_time());
                r.relate(R::CreatedBy, "ec2:volume", snapshot.volume_id().filter(|v| *v != "vol-ffffffff"));
                r.set_attr_opt("description", snapshot.description().filter(|d| !d.is_empty()));
                r.set_attr_opt("size", snapshot.volume_size());
                r.set_attr_opt("start_time", snapshot.start_time().map(ToString::to_string));
                out.resources.push(r);
            }
        }
    );
    out
}

pub async fn images(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("ec2", out, ctx, client.describe_images().owners("self"), "DescribeImages", &["ec2:image"], |page| {
        for image in page.images() {
            if image.owner_id() != Some(ctx.account.as_str()) {
                continue;
            }
            let Some(id) = image.image_id() else { continue };
            let mut r = LiveResource::new("ec2:image", id, &ctx.account, &ctx.region);
            r.set_tags(tags(image.tags()));
            r.status = image.state().map(|s| s.as_str().to_owned());
            r.set_attr_opt("name", image.name());
            r.set_attr_opt("creation_date", image.creation_date());
            for mapping in image.block_device_mappings() {
                r.relate(R::References, "ec2:snapshot", mapping.ebs().and_then(|e| e.snapshot_id()));
            }
            out.resources.push(r);
        }
    });
    out
}

pub async fn key_pairs(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    match client.describe_key_pairs().send().await {
        Ok(page) => {
            let Some(ctx) = ctx.known().await else { return out };
            for key in page.key_pairs() {
                let Some(name) = key.key_name() else { continue };
                let mut r = LiveResource::new("ec2:key-pair", name, &ctx.account, &ctx.region);
                r.set_tags(tags(key.tags()));
                r.set_attr_opt("key_pair_id", key.key_pair_id());
                r.set_attr_opt("key_type", key.key_type().map(aws_sdk_ec2::types::KeyType::as_str));
                out.resources.push(r);
            }
        }
        Err(err) => out.failures.push(failure("ec2", "DescribeKeyPairs", &["ec2:key-pair"], &err)),
    }
    out
}

pub async fn launch_templates(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!(
        "ec2",
        out,
        ctx,
        client.describe_launch_templates(),
        "DescribeLaunchTemplates",
        &["ec2:launch-template"],
        |page| {
            for template in page.launch_templates() {
                let Some(id) = template.launch_template_id() else { continue };
                let mut r = LiveResource::new("ec2:launch-template", id, &ctx.account, &ctx.region);
                r.set_tags(tags(template.tags()));
                r.set_attr_opt("name", template.launch_template_name());
                r.set_attr_opt("default_version", template.default_version_number());
                r.set_attr_opt("created_by", template.created_by());
                out.resources.push(r);
            }
        }
    );
    out
}

pub async fn transit_gateways(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!(
        "ec2",
        out,
        ctx,
        client.describe_transit_gateways(),
        "DescribeTransitGateways",
        &["ec2:transit-gateway"],
        |page| {
            for tgw in page.transit_gateways() {
                let Some(id) = tgw.transit_gateway_id() else { continue };
                let mut r = LiveResource::new("ec2:transit-gateway", id, &ctx.account, &ctx.region);
                if let Some(arn) = tgw.transit_gateway_arn() {
                    arn.clone_into(&mut r.arn);
                }
                r.set_tags(tags(tgw.tags()));
                r.status = tgw.state().map(|s| s.as_str().to_owned());
                r.set_attr_opt("owner_id", tgw.owner_id());
                r.set_attr_opt("description", tgw.description());
                out.resources.push(r);
            }
        }
    );
    out
}

pub async fn vpc_endpoints(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("ec2", out, ctx, client.describe_vpc_endpoints(), "DescribeVpcEndpoints", &["ec2:vpc-endpoint"], |page| {
        for endpoint in page.vpc_endpoints() {
            let Some(id) = endpoint.vpc_endpoint_id() else { continue };
            let mut r = LiveResource::new("ec2:vpc-endpoint", id, &ctx.account, &ctx.region);
            r.set_tags(tags(endpoint.tags()));
            r.status = endpoint.state().map(|s| s.as_str().to_ascii_lowercase());
            r.relate(R::InVpc, "ec2:vpc", endpoint.vpc_id());
            for subnet in endpoint.subnet_ids() {
                r.relate(R::InSubnet, "ec2:subnet", Some(subnet));
            }
            for group in endpoint.groups() {
                r.relate(R::UsesSecurityGroup, "ec2:security-group", group.group_id());
            }
            for table in endpoint.route_table_ids() {
                r.relate(R::AssociatedWith, "ec2:route-table", Some(table));
            }
            r.set_attr_opt("service_name", endpoint.service_name());
            r.set_attr_opt(
                "vpc_endpoint_type",
                endpoint.vpc_endpoint_type().map(aws_sdk_ec2::types::VpcEndpointType::as_str),
            );
            r.set_attr("network_interface_ids", endpoint.network_interface_ids().to_vec());
            r.set_attr("requester_managed", endpoint.requester_managed().unwrap_or(false));
            out.resources.push(r);
        }
    });
    out
}
