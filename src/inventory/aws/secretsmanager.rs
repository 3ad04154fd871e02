//! secretsmanager: lists the secrets of one region with their tags. A secret another AWS
//! service made and manages (RDS's master user secrets) says which in `owning_service`.

use serde_json::json;

use super::raw_pages::{Pages, epoch, items, json_tags, text};
use super::{Ctx, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service};
use crate::inventory::LiveResource;
use crate::model::relation::RelationKind as R;

pub const SECRETS: Service = Service {
    name: "secretsmanager",
    signing: "secretsmanager",
    endpoint: Endpoint::Regional("secretsmanager"),
    protocol: Protocol::Json { target: "secretsmanager" },
};

pub async fn secrets(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let body = json!({"MaxResults": 100});
    let pages = Pages { client: &client, ctx: &ctx, kinds: &["secretsmanager:secret"] };
    pages
        .json("ListSecrets", body, ("NextToken", "NextToken"), &mut out, |page, known, out| {
            for secret in items(page, "SecretList") {
                let Some(name) = text(secret, "Name") else { continue };
                let mut r = LiveResource::new("secretsmanager:secret", name, &known.account, &known.region);
                if let Some(arn) = text(secret, "ARN") {
                    arn.clone_into(&mut r.arn);
                }
                r.created = epoch(secret.get("CreatedDate"), false);
                r.set_tags(json_tags(secret, "Tags"));
                r.set_attr_opt("owning_service", text(secret, "OwningService"));
                if secret.get("DeletedDate").is_some_and(|d| !d.is_null()) {
                    r.status = Some("scheduled-for-deletion".to_owned());
                }
                let key = text(secret, "KmsKeyId");
                // A key named by its id or ARN (an alias names no key id).
                let key = key.filter(|k| !k.contains("alias/")).map(|k| k.rsplit('/').next().unwrap_or(k));
                r.relate(R::References, "kms:key", key);
                out.resources.push(r);
            }
        })
        .await;
    out
}
