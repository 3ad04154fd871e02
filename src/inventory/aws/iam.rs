//! iam: lists the account's roles, customer-managed policies, instance profiles and users,
//! once per account, placed in the region `global`. Service-linked roles are listed (a
//! declared `aws_iam_service_linked_role` matches one) and owned by AWS through the policy.

use super::raw_pages::Pages;
use super::{Ctx, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service};
use crate::aws::xml::Node;
use crate::inventory::LiveResource;
use crate::model::kinds::GLOBAL;
use crate::model::relation::RelationKind as R;

pub const IAM: Service = Service {
    name: "iam",
    signing: "iam",
    endpoint: Endpoint::Global("iam"),
    protocol: Protocol::Query { version: "2010-05-08" },
};

fn resource(kind: &str, item: &Node, name_field: &str, account: &str) -> Option<LiveResource> {
    let name = item.text(name_field)?;
    let mut r = LiveResource::new(kind, name, account, GLOBAL);
    if let Some(arn) = item.text("Arn") {
        arn.clone_into(&mut r.arn);
    }
    r.created = item.text("CreateDate").map(str::to_owned);
    r.set_attr_opt("path", item.text("Path"));
    r.set_attr("name", name);
    Some(r)
}

/// One list operation of IAM, each item made a resource by `make`.
async fn list(
    client: RawClient,
    ctx: Ctx,
    operation: &'static str,
    params: &[(&str, &str)],
    (kind, list_name, name_field): (&'static str, &str, &str),
    make: fn(&Node, &mut LiveResource),
) -> Listing {
    let mut out = Listing::default();
    let mut asked = vec![("MaxItems", "1000")];
    asked.extend_from_slice(params);
    let pages = Pages { client: &client, ctx: &ctx, kinds: &[kind] };
    pages
        .query(operation, &asked, "Marker", &mut out, |page, known, out| {
            for item in page.list(list_name) {
                if let Some(mut r) = resource(kind, item, name_field, &known.account) {
                    make(item, &mut r);
                    out.resources.push(r);
                }
            }
        })
        .await;
    out
}

pub async fn roles(client: RawClient, ctx: Ctx) -> Listing {
    list(client, ctx, "ListRoles", &[], ("iam:role", "Roles", "RoleName"), |_, _| {}).await
}

pub async fn policies(client: RawClient, ctx: Ctx) -> Listing {
    let scope = [("Scope", "Local")];
    list(client, ctx, "ListPolicies", &scope, ("iam:policy", "Policies", "PolicyName"), |item, r| {
        r.set_attr_opt("attachment_count", item.text("AttachmentCount").and_then(|n| n.parse::<u64>().ok()));
    })
    .await
}

pub async fn instance_profiles(client: RawClient, ctx: Ctx) -> Listing {
    let kind = ("iam:instance-profile", "InstanceProfiles", "InstanceProfileName");
    list(client, ctx, "ListInstanceProfiles", &[], kind, |item, r| {
        for role in item.list("Roles") {
            r.relate(R::References, "iam:role", role.text("RoleName"));
        }
    })
    .await
}

pub async fn users(client: RawClient, ctx: Ctx) -> Listing {
    list(client, ctx, "ListUsers", &[], ("iam:user", "Users", "UserName"), |_, _| {}).await
}
