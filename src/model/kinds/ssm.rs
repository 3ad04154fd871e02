//! Systems Manager parameters, listed by `DescribeParameters` in each region (tags come from
//! the tagging API). A parameter is named by its name, a path such as `/app/db/url`.

use super::{Declared, Import, Kind, Price, delete, id, losing, spec, tags_from_tagging};

pub const PARAMETER: Kind = Kind {
    spec: tags_from_tagging(spec(
        "ssm:parameter",
        "ssm",
        "parameter",
        Some("DescribeParameters"),
        None,
        &[],
        "SSM parameter",
    )),
    declared_by: Declared::Types(&[id("aws_ssm_parameter", "ssm:parameter")]),
    ownership: &[],
    price: Price::Table("advanced parameters per month; standard ones are free"),
    cleanup: losing(
        delete(0, "ssm", "delete-parameter", "--name"),
        "deleting the parameter destroys its value and history",
    ),
    import: Import::Id("aws_ssm_parameter"),
    needs: &[],
    iam: &["ssm:DescribeParameters"],
};
