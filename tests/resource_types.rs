//! One resource of each of 42 generated types from 41 services, picked across the alphabet and
//! including recursive definitions (WAFv2 rule statements hold statements), rendered into one
//! template that cfn-lint must accept. Needs every service: `cargo test --features full --test
//! resource_types` (Cargo.toml's `required-features`).

mod common;

use cfnforge::render::{Format, render};
use cfnforge::resources::*;
use cfnforge::template::{Intrinsic, Template, Value};

fn json(value: serde_json::Value) -> Value {
    Value::from_json(value)
}

fn role_arn() -> Intrinsic {
    Intrinsic::get_att("Role", "Arn")
}

/// A WAFv2 statement nested `depth` NotStatements deep around a geo match.
fn nested_statement(depth: usize) -> wafv2::web_acl::Statement {
    let geo = wafv2::web_acl::Statement::new()
        .geo_match_statement(wafv2::web_acl::GeoMatchStatement::new().country_codes(vec!["NZ"]));
    (0..depth).fold(geo, |inner, _| {
        wafv2::web_acl::Statement::new().not_statement(wafv2::web_acl::NotStatement::new(inner))
    })
}

fn template() -> Template {
    let mut t = Template::new().with_description("One resource of each of many generated types");
    let role = iam::Role::new(json(serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                       "Action": "sts:AssumeRole"}]
    })));
    t.add("Role", role);
    t.add(
        "Analyzer",
        accessanalyzer::Analyzer::new("ACCOUNT").analyzer_name("all"),
    );
    t.add(
        "MqConfig",
        amazonmq::Configuration::new("ACTIVEMQ", "mq-config").engine_version("5.18"),
    );
    t.add("RestApi", apigateway::RestApi::new().name("api"));
    t.add(
        "HttpApi",
        apigatewayv2::Api::new().name("http").protocol_type("HTTP"),
    );
    t.add("AppConfigApp", appconfig::Application::new("app"));
    t.add(
        "GraphQl",
        appsync::GraphQLApi::new(appsync::graph_ql_api::AuthenticationType2::ApiKey, "gql"),
    );
    t.add("WorkGroup", athena::WorkGroup::new("analysts"));
    t.add("Vault", backup::BackupVault::new("vault"));
    t.add(
        "Certificate",
        certificatemanager::Certificate::new("example.com").validation_method("DNS"),
    );
    t.add("Handle", cloudformation::WaitConditionHandle::new());
    t.add(
        "Oai",
        cloudfront::CloudFrontOriginAccessIdentity::new(
            cloudfront::cloud_front_origin_access_identity::CloudFrontOriginAccessIdentityConfig::new(
                "oai",
            ),
        ),
    );
    let queue = t.add("Queue", sqs::Queue::new().queue_name("jobs"));
    t.add(
        "Alarm",
        cloudwatch::Alarm::new()
            .comparison_operator("GreaterThanThreshold")
            .evaluation_periods(1)
            .metric_name("ApproximateNumberOfMessagesVisible")
            .namespace("AWS/SQS")
            .period(60)
            .statistic("Maximum")
            .threshold(100.0)
            .dimensions(vec![cloudwatch::alarm::Dimension::new(
                "QueueName",
                Intrinsic::get_att("Queue", "QueueName"),
            )]),
    );
    t.add("Repo", codecommit::Repository::new("code"));
    t.add("UserPool", cognito::UserPool::new().user_pool_name("users"));
    t.add(
        "ConfigRule",
        config::ConfigRule::new(
            config::config_rule::Source::new("AWS")
                .source_identifier("S3_BUCKET_VERSIONING_ENABLED"),
        ),
    );
    t.add(
        "Table",
        dynamodb::Table::new(json(serde_json::json!([
            {"AttributeName": "pk", "KeyType": "HASH"}
        ])))
        .attribute_definitions(vec![dynamodb::table::AttributeDefinition::new("pk", "S")])
        .billing_mode("PAY_PER_REQUEST"),
    );
    let vpc = t.add("Vpc", ec2::VPC::new().cidr_block("10.0.0.0/16"));
    t.add(
        "Subnet",
        ec2::Subnet::new(vpc.vpc_id()).cidr_block("10.0.0.0/24"),
    );
    t.add("Registry", ecr::Repository::new().repository_name("images"));
    t.add("Cluster", ecs::Cluster::new().cluster_name("apps"));
    t.add("Files", efs::FileSystem::new().encrypted(true));
    t.add(
        "Subnets",
        elasticache::SubnetGroup::new("cache subnets", vec!["subnet-12345678"]),
    );
    t.add(
        "Targets",
        elasticloadbalancingv2::TargetGroup::new()
            .port(80)
            .protocol("HTTP")
            .vpc_id(vpc.vpc_id()),
    );
    t.add(
        "Schedule",
        events::Rule::new().schedule_expression("rate(1 hour)"),
    );
    t.add(
        "Catalog",
        glue::Database::new(
            Intrinsic::ref_("AWS::AccountId"),
            glue::database::DatabaseInput::new().name("lake"),
        ),
    );
    t.add("Thing", iot::Thing::new().thing_name("sensor"));
    t.add("Stream", kinesis::Stream::new().shard_count(1));
    t.add("Key", kms::Key::new().enable_key_rotation(true));
    t.add(
        "Function",
        lambda::Function::new(
            lambda::function::Code::new().zip_file("exports.handler = async () => 1;"),
            role_arn(),
        )
        .runtime("nodejs24.x")
        .handler("index.handler"),
    );
    t.add("Logs", logs::LogGroup::new().retention_in_days(30));
    t.add("Graph", neptune::DBCluster::new().storage_encrypted(true));
    t.add(
        "Database",
        rds::DBInstance::new()
            .engine("postgres")
            .db_instance_class("db.t4g.micro")
            .allocated_storage("20")
            .master_username("admin")
            .manage_master_user_password(true),
    );
    t.add("Zone", route53::HostedZone::new().name("example.com"));
    t.add("Bucket", s3::Bucket::new());
    t.add("Secret", secretsmanager::Secret::new().name("token"));
    t.add("Topic", sns::Topic::new().topic_name("events"));
    t.add(
        "Parameter",
        ssm::Parameter::new(ssm::parameter::Type::String, queue.queue_url()).name("/jobs/url"),
    );
    t.add(
        "StateMachine",
        stepfunctions::StateMachine::new(role_arn())
            .definition_string(r#"{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}"#),
    );
    let visibility = |name: &str| wafv2::web_acl::VisibilityConfig::new(true, name, true);
    t.add(
        "WebAcl",
        wafv2::WebACL::new(
            wafv2::web_acl::DefaultAction::new().allow(wafv2::web_acl::AllowAction::new()),
            // An enum value the schema does not list can be written too (here one it does).
            wafv2::web_acl::Scope::Other("REGIONAL".to_string()),
            visibility("acl"),
        )
        .rules(vec![
            wafv2::web_acl::Rule::new("not-nz", 1, nested_statement(3), visibility("rule")).action(
                wafv2::web_acl::RuleAction::new().block(wafv2::web_acl::BlockAction::new()),
            ),
        ]),
    );
    t.add(
        "TraceGroup",
        xray::Group::new("errors").filter_expression("fault = true"),
    );
    t
}

#[test]
fn many_generated_types_render_a_template_cfn_lint_accepts() {
    let template = template();
    let services: std::collections::BTreeSet<&str> = template
        .resources
        .values()
        .map(|r| r.type_name.split("::").nth(1).unwrap_or_default())
        .collect();
    assert!(
        template.resources.len() >= 40,
        "{}",
        template.resources.len()
    );
    assert!(services.len() >= 20, "{services:?}");
    let report = cfnforge::checks::check(&template);
    assert!(!report.has_errors(), "{:?}", report.diagnostics);

    let text = render(&template, Format::Yaml).expect("renders");
    // The recursive statement nests as deep as it was built.
    assert_eq!(text.matches("NotStatement:").count(), 3, "{text}");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = common::write_temp(dir.path(), "types.yaml", &text);
    common::cfn_lint(&[file]);
}
