//! efs: lists the file systems of one region with their tags and size, and each one's
//! mount targets (their subnets are the file system's: a hand-made file system in a
//! declared subnet blocks its destroy, and its cleanup deletes them first).

use serde_json::Value;

use super::raw_pages::{Pages, epoch, items, json_tags, text};
use super::{Ctx, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service, path_encode};
use crate::inventory::LiveResource;
use crate::model::relation::RelationKind as R;

pub const EFS: Service = Service {
    name: "elasticfilesystem",
    signing: "elasticfilesystem",
    endpoint: Endpoint::Regional("elasticfilesystem"),
    protocol: Protocol::RestJson,
};

const KINDS: &[&str] = &["elasticfilesystem:file-system"];

pub async fn file_systems(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let pages = Pages { client: &client, ctx: &ctx, kinds: KINDS };
    let mut marker: Option<String> = None;
    loop {
        let mut path = "/2015-02-01/file-systems?MaxItems=100".to_owned();
        if let Some(marker) = &marker {
            path.push_str(&format!("&Marker={}", path_encode(marker)));
        }
        let page = client.get_json("DescribeFileSystems", path).await;
        let Some((page, known)) = pages.read(page, "DescribeFileSystems", &mut out).await else {
            break;
        };
        for fs in items(&page, "FileSystems") {
            let Some(id) = text(fs, "FileSystemId") else { continue };
            let mut r = LiveResource::new("elasticfilesystem:file-system", id, &known.account, &known.region);
            if let Some(arn) = text(fs, "FileSystemArn") {
                arn.clone_into(&mut r.arn);
            }
            r.status = text(fs, "LifeCycleState").map(str::to_owned);
            r.created = epoch(fs.get("CreationTime"), false);
            r.set_tags(json_tags(fs, "Tags"));
            r.set_attr_opt("size_bytes", fs.pointer("/SizeInBytes/Value").and_then(Value::as_u64));
            if fs.get("NumberOfMountTargets").and_then(Value::as_u64) != Some(0) {
                mount_targets(&pages, id, &mut r, &mut out).await;
            }
            out.resources.push(r);
        }
        match text(&page, "NextMarker") {
            Some(next) => marker = Some(next.to_owned()),
            None => break,
        }
    }
    out
}

async fn mount_targets(pages: &Pages<'_>, fs: &str, r: &mut LiveResource, out: &mut Listing) {
    let path = format!("/2015-02-01/mount-targets?FileSystemId={}", path_encode(fs));
    let answer = pages.client.get_json("DescribeMountTargets", path).await;
    let Some((answer, _)) = pages.read(answer, "DescribeMountTargets", out).await else { return };
    let (mut ids, mut interfaces) = (Vec::new(), Vec::new());
    for target in items(&answer, "MountTargets") {
        if let Some(eni) = text(target, "NetworkInterfaceId") {
            interfaces.push(eni.to_owned());
        }
        r.relate(R::InVpc, "ec2:vpc", text(target, "VpcId"));
        r.relate(R::InSubnet, "ec2:subnet", text(target, "SubnetId"));
        if let Some(id) = text(target, "MountTargetId") {
            ids.push(id.to_owned());
        }
    }
    r.relations.dedup();
    r.set_attr("mount_target_ids", ids);
    // Each mount target's interface is the file system's (see `link`).
    r.set_attr("network_interface_ids", interfaces);
}
