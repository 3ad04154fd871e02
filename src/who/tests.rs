//! Reading `CloudTrail`'s events: who, how, when, from the shapes `CloudTrail` documents.

use serde_json::json;

use super::*;

fn event(name: &str, identity: &Value, agent: &str) -> Value {
    let detail = json!({
        "eventVersion": "1.09", "userIdentity": identity, "eventTime": "2026-10-02T09:14:07Z",
        "eventSource": "ec2.amazonaws.com", "eventName": name, "awsRegion": "eu-west-1",
        "sourceIPAddress": "203.0.113.7", "userAgent": agent
    });
    json!({
        "EventId": "0b1c", "EventName": name, "ReadOnly": "false", "EventTime": 1_790_500_447.0,
        "Username": "x", "Resources": [{"ResourceType": "AWS::EC2::SecurityGroup", "ResourceName": "sg-0abc"}],
        "CloudTrailEvent": detail.to_string()
    })
}

fn assumed(role: &str, session: &str) -> Value {
    json!({"type": "AssumedRole", "principalId": "AROAEXAMPLE:x",
           "arn": format!("arn:aws:sts::123456789012:assumed-role/{role}/{session}"), "accountId": "123456789012"})
}

#[test]
fn issue_31_an_identity_center_session_is_the_person_in_the_console() {
    let sso = assumed("AWSReservedSSO_AdministratorAccess_0123456789abcdef", "someone@example.com");
    let agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36";
    let who = who_of(&event("CreateSecurityGroup", &sso, agent), Action::Created).expect("a creating event");
    assert_eq!(who.person.as_deref(), Some("someone@example.com"));
    assert_eq!(who.via, Some(Via::Console));
    assert_eq!(who.at.as_deref(), Some("2026-10-02T09:14:07Z"));
    assert_eq!(who.source.as_deref(), Some("203.0.113.7"));
    assert_eq!(who.sentence(), "created by someone@example.com in the console on 2026-10-02 (CreateSecurityGroup)");
}

#[test]
fn issue_31_terraform_cli_sdk_and_services_are_told_apart() {
    let ci = assumed("ci-deploy", "1790500000000000000");
    let terraform = "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.80.0 \
                     (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.6";
    let who = who_of(&event("CreateSecurityGroup", &ci, terraform), Action::Created).expect("creating");
    assert_eq!((who.via, who.role.as_deref(), who.person.as_deref()), (Some(Via::Terraform), Some("ci-deploy"), None));
    assert_eq!(via_of("aws-cli/2.22.0 md/awscrt#0.22.0 ua/2.0 os/linux botocore/2.0", None, false), Via::AwsCli);
    assert_eq!(via_of("Boto3/1.35.0 md/Botocore#1.35.0 ua/2.0 os/linux", None, false), Via::Sdk);
    assert_eq!(
        via_of("cloudformation.amazonaws.com", Some("cloudformation.amazonaws.com"), false),
        Via::Cloudformation
    );
    assert_eq!(via_of("autoscaling.amazonaws.com", Some("autoscaling.amazonaws.com"), true), Via::AwsService);
    let user = json!({"type": "IAMUser", "userName": "alice", "arn": "arn:aws:iam::123456789012:user/alice"});
    let who = who_of(&event("RunInstances", &user, "aws-cli/2.22.0"), Action::Created).expect("creating");
    assert_eq!(who.sentence(), "created by alice with the AWS CLI on 2026-10-02 (RunInstances)");
}

#[test]
fn issue_31_only_creating_events_name_a_creator_and_only_changes_a_modifier() {
    let user = json!({"type": "IAMUser", "userName": "alice"});
    assert!(who_of(&event("CreateTags", &user, "aws-cli/2"), Action::Created).is_none(), "tagging makes nothing");
    assert!(who_of(&event("AuthorizeSecurityGroupIngress", &user, "aws-cli/2"), Action::Created).is_none());
    let changed = who_of(&event("AuthorizeSecurityGroupIngress", &user, "aws-cli/2"), Action::Modified);
    assert_eq!(
        changed.expect("a change").sentence(),
        "last changed by alice with the AWS CLI on 2026-10-02 (AuthorizeSecurityGroupIngress)"
    );
    let mut read = event("DescribeSecurityGroups", &user, "aws-cli/2");
    read["ReadOnly"] = Value::from("true");
    assert!(who_of(&read, Action::Modified).is_none());
}

#[tokio::test]
async fn issue_31_a_resource_older_than_the_history_is_said_so_without_a_call() {
    let config = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("eu-west-1"))
        .build();
    let stats = std::sync::Arc::new(crate::aws::ApiStats::default());
    let sessions = BTreeMap::from([("123456789012".to_owned(), AwsSession::from_config(config, stats.clone()))]);
    let old = Target {
        account: "123456789012".to_owned(),
        region: "eu-west-1".to_owned(),
        names: vec!["i-0abc".to_owned()],
        action: Action::Created,
        created: Some("2025-01-04T10:00:00Z".to_owned()),
    };
    let now = 1_796_601_600; // 2026-12-07
    let outcome = look_up(&sessions, &[old], now).await;
    assert_eq!(outcome.calls, 0);
    assert_eq!(
        outcome.who[0].unknown.as_deref(),
        Some("made on 2025-01-04, before CloudTrail's 90-day history"),
        "{:?}",
        outcome.who[0]
    );
    assert!(stats.calls().is_empty(), "nothing was asked");
}
