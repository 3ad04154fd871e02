//! dynamodb: lists the tables of one region. `ListTables` gives names only (a table's
//! description is one call per table, not made: nothing judged needs it); tags come from
//! the tagging API (see `link`).

use super::{Ctx, Listing};
use crate::inventory::LiveResource;

pub async fn tables(client: aws_sdk_dynamodb::Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("dynamodb", out, ctx, client.list_tables(), "ListTables", &["dynamodb:table"], |page| {
        for name in page.table_names() {
            out.resources.push(LiveResource::new("dynamodb:table", name, &ctx.account, &ctx.region));
        }
    });
    out
}
