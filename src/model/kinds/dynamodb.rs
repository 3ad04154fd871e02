//! `DynamoDB` tables, listed by `ListTables` in each region (names only: tags come from the
//! tagging API). Items and table settings declared on their own are parts of their table.

use super::{Declared, Import, Kind, PartKind, Price, delete, id, losing, part, spec, tags_from_tagging, waiting};

pub const TABLE: Kind = Kind {
    spec: tags_from_tagging(spec(
        "dynamodb:table",
        "dynamodb",
        "table",
        Some("ListTables"),
        None,
        &[],
        "DynamoDB table",
    )),
    declared_by: Declared::Types(&[
        part(
            "aws_dynamodb_contributor_insights",
            "dynamodb:table",
            "table_name",
            PartKind::Other("contributor insights"),
        ),
        part(
            "aws_dynamodb_kinesis_streaming_destination",
            "dynamodb:table",
            "table_name",
            PartKind::Other("Kinesis streaming destination"),
        ),
        id("aws_dynamodb_table", "dynamodb:table"),
        part("aws_dynamodb_table_item", "dynamodb:table", "table_name", PartKind::Other("item")),
        part("aws_dynamodb_tag", "dynamodb:table", "resource_arn", PartKind::Other("tag")),
    ]),
    ownership: &[],
    price: Price::Unknown("charged by capacity or requests and by the bytes stored, which are not listed"),
    cleanup: losing(
        waiting(delete(0, "dynamodb", "delete-table", "--table-name"), "table-not-exists", "--table-name", false),
        "deleting the table destroys its items",
    ),
    import: Import::Id("aws_dynamodb_table"),
    needs: &[],
    iam: &["dynamodb:ListTables"],
};
