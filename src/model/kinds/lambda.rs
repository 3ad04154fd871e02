//! Lambda functions, listed by `ListFunctions` in each region with their role and network
//! (tags come from the tagging API). Aliases, permissions, URLs and invoke settings are
//! parts of their function.

use super::{Declared, Import, Kind, PartKind, Price, colon, delete, id, part, spec, tags_from_tagging};
use crate::model::relation::RelationKind as R;

const FUNCTION: &str = "lambda:function";

const fn function_part(tf_type: &'static str, what: &'static str) -> super::TypeMapping {
    part(tf_type, FUNCTION, "function_name", PartKind::Other(what))
}

pub const FUNCTION_KIND: Kind = Kind {
    spec: tags_from_tagging(colon(spec(
        FUNCTION,
        "lambda",
        "function",
        Some("ListFunctions"),
        None,
        &[],
        "Lambda function",
    ))),
    declared_by: Declared::Types(&[
        function_part("aws_lambda_alias", "alias"),
        function_part("aws_lambda_event_source_mapping", "event source mapping"),
        id("aws_lambda_function", FUNCTION),
        function_part("aws_lambda_function_event_invoke_config", "invoke configuration"),
        function_part("aws_lambda_function_recursion_config", "recursion configuration"),
        function_part("aws_lambda_function_url", "URL"),
        function_part("aws_lambda_permission", "permission"),
        function_part("aws_lambda_provisioned_concurrency_config", "provisioned concurrency"),
    ]),
    ownership: &[],
    price: Price::Unknown("charged per request and compute time, which are not listed"),
    cleanup: delete(0, "lambda", "delete-function", "--function-name"),
    import: Import::Id("aws_lambda_function"),
    needs: &[(R::References, "iam:role")],
    iam: &["lambda:ListFunctions"],
};
