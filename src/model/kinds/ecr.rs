//! ECR repositories, listed by `DescribeRepositories` in each region (tags come from the
//! tagging API). Policies and lifecycle policies are parts of their repository.

use super::{Declared, Import, Kind, PartKind, Price, delete, id, part, spec, tags_from_tagging};

const REPOSITORY: &str = "ecr:repository";

pub const REPOSITORY_KIND: Kind = Kind {
    spec: tags_from_tagging(spec(
        REPOSITORY,
        "ecr",
        "repository",
        Some("DescribeRepositories"),
        None,
        &[],
        "ECR repository",
    )),
    declared_by: Declared::Types(&[
        part("aws_ecr_lifecycle_policy", REPOSITORY, "repository", PartKind::Other("lifecycle policy")),
        id("aws_ecr_repository", REPOSITORY),
        part("aws_ecr_repository_policy", REPOSITORY, "repository", PartKind::Other("policy")),
    ]),
    ownership: &[],
    price: Price::Unknown("charged by the bytes its images store, which are not listed"),
    // Without `--force`, a repository that still holds images is refused by ECR: its
    // images are never deleted silently.
    cleanup: delete(0, "ecr", "delete-repository", "--repository-name"),
    import: Import::Id("aws_ecr_repository"),
    needs: &[],
    iam: &["ecr:DescribeRepositories"],
};
