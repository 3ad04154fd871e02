//! ACM certificates, listed by `ListCertificates` in each region with whether anything uses
//! them (tags come from the tagging API). Validations are parts of their certificate.

use super::{By, Declared, Import, Kind, PartKind, Price, by_arn, delete, naming, part, spec, tags_from_tagging};

const CERTIFICATE: &str = "acm:certificate";

pub const CERTIFICATE_KIND: Kind = Kind {
    spec: tags_from_tagging(spec(
        CERTIFICATE,
        "acm",
        "certificate",
        Some("ListCertificates"),
        None,
        &[],
        "certificate",
    )),
    declared_by: Declared::Types(&[
        by_arn("aws_acm_certificate", CERTIFICATE),
        part("aws_acm_certificate_validation", CERTIFICATE, "certificate_arn", PartKind::Other("validation")),
    ]),
    ownership: &[],
    price: Price::Free,
    // ACM refuses to delete a certificate a load balancer or distribution still uses.
    cleanup: naming(delete(1, "acm", "delete-certificate", "--certificate-arn"), By::Arn),
    import: Import::Arn("aws_acm_certificate"),
    needs: &[],
    iam: &["acm:ListCertificates"],
};
