//! EKS: clusters and their nodegroups, listed by name and described one by one; add-ons
//! and Fargate profiles, known through the tagging API (provider `default_tags` tag them).

use super::{Declared, Import, Kind, Price, by_arn, delete, id, planned, spec, waiting};
use crate::model::relation::RelationKind as R;

pub const CLUSTER: Kind = Kind {
    spec: spec("eks:cluster", "eks", "cluster", Some("DescribeCluster"), None, &["deleting"], "EKS cluster"),
    declared_by: Declared::Types(&[id("aws_eks_cluster", "eks:cluster")]),
    ownership: &[],
    price: Price::Table("per cluster-hour"),
    cleanup: waiting(delete(1, "eks", "delete-cluster", "--name"), "cluster-deleted", "--name", false),
    import: Import::Id("aws_eks_cluster"),
    needs: &[(R::InSubnet, "ec2:subnet"), (R::UsesSecurityGroup, "ec2:security-group")],
    iam: &["eks:ListClusters", "eks:DescribeCluster"],
};

pub const NODEGROUP: Kind = Kind {
    spec: spec("eks:nodegroup", "eks", "nodegroup", Some("DescribeNodegroup"), None, &["deleting"], "EKS nodegroup"),
    declared_by: Declared::Types(&[id("aws_eks_node_group", "eks:nodegroup")]),
    ownership: &[],
    price: Price::Table("its instances and their volumes"),
    cleanup: planned(0),
    import: Import::Id("aws_eks_node_group"),
    needs: &[(R::InSubnet, "ec2:subnet")],
    iam: &["eks:ListNodegroups", "eks:DescribeNodegroup"],
};

pub const ADDON: Kind = Kind {
    spec: spec("eks:addon", "eks", "addon", None, None, &[], "EKS add-on"),
    declared_by: Declared::Types(&[by_arn("aws_eks_addon", "eks:addon")]),
    ownership: &[],
    price: Price::Free,
    cleanup: planned(0),
    import: Import::Id("aws_eks_addon"),
    needs: &[],
    iam: &[],
};

pub const FARGATE_PROFILE: Kind = Kind {
    spec: spec("eks:fargate-profile", "eks", "fargateprofile", None, None, &[], "EKS Fargate profile"),
    declared_by: Declared::Types(&[by_arn("aws_eks_fargate_profile", "eks:fargate-profile")]),
    ownership: &[],
    price: Price::Unknown("Fargate charges the pods it runs, not the profile"),
    cleanup: planned(0),
    import: Import::Id("aws_eks_fargate_profile"),
    needs: &[],
    iam: &[],
};
