//! apigateway: lists the REST APIs (v1) and the HTTP and WebSocket APIs (v2) of one region,
//! with their tags.

use serde_json::Value;

use super::raw_pages::{Pages, items, text};
use super::{Ctx, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service, path_encode};
use crate::inventory::LiveResource;
use crate::model::arn::partition;

pub const APIGATEWAY: Service = Service {
    name: "apigateway",
    signing: "apigateway",
    endpoint: Endpoint::Regional("apigateway"),
    protocol: Protocol::RestJson,
};

fn tags(r: &mut LiveResource, api: &Value) {
    if let Some(tags) = api.get("tags").and_then(Value::as_object) {
        r.set_tags(tags.iter().map(|(k, v)| (Some(k.as_str()), v.as_str())));
    }
}

/// Both versions' APIs: (kind, path, list field, id field, token in the request, token in
/// the answer).
async fn list(client: RawClient, ctx: Ctx, v2: bool) -> Listing {
    let (kind, operation, path, field, id_field, token_in, token_out, arn_type) = if v2 {
        ("apigateway:api", "GetApis", "/v2/apis?maxResults=500", "items", "apiId", "nextToken", "nextToken", "apis")
    } else {
        ("apigateway:restapi", "GetRestApis", "/restapis?limit=500", "item", "id", "position", "position", "restapis")
    };
    let mut out = Listing::default();
    let kinds = [kind];
    let pages = Pages { client: &client, ctx: &ctx, kinds: &kinds };
    let mut token: Option<String> = None;
    loop {
        let mut asked = path.to_owned();
        if let Some(token) = &token {
            asked.push_str(&format!("&{token_in}={}", path_encode(token)));
        }
        let page = client.get_json(operation, asked).await;
        let Some((page, known)) = pages.read(page, operation, &mut out).await else { break };
        for api in items(&page, field) {
            let Some(id) = text(api, id_field) else { continue };
            let mut r = LiveResource::new(kind, id, &known.account, &known.region);
            r.arn = format!("arn:{}:apigateway:{}::/{arn_type}/{id}", partition(&known.region), known.region);
            r.set_attr_opt("name", text(api, "name"));
            r.set_attr_opt("protocol", text(api, "protocolType"));
            r.created = text(api, "createdDate").map(str::to_owned);
            tags(&mut r, api);
            out.resources.push(r);
        }
        match text(&page, token_out) {
            Some(next) if token.as_deref() != Some(next) => token = Some(next.to_owned()),
            _ => break,
        }
    }
    out
}

pub async fn rest_apis(client: RawClient, ctx: Ctx) -> Listing {
    list(client, ctx, false).await
}

pub async fn apis(client: RawClient, ctx: Ctx) -> Listing {
    list(client, ctx, true).await
}
