//! API Gateway REST APIs (v1, `GET /restapis`) and HTTP and WebSocket APIs (v2,
//! `GET /v2/apis`), listed in each region with their tags. Resources, methods,
//! integrations, routes, stages, deployments and authorizers are parts of their API. Their
//! ARNs name no account (`arn:aws:apigateway:REGION::/restapis/ID`).

use super::{Declared, Import, Kind, PartKind, Price, delete, id, no_account, part, spec};

const REST_API: &str = "apigateway:restapi";
const API: &str = "apigateway:api";

const fn rest_part(tf_type: &'static str, what: &'static str) -> super::TypeMapping {
    part(tf_type, REST_API, "rest_api_id", PartKind::Other(what))
}

const fn api_part(tf_type: &'static str, what: &'static str) -> super::TypeMapping {
    part(tf_type, API, "api_id", PartKind::Other(what))
}

pub const REST_API_KIND: Kind = Kind {
    spec: no_account(spec(REST_API, "apigateway", "restapis", Some("GetRestApis"), None, &[], "REST API")),
    declared_by: Declared::Types(&[
        rest_part("aws_api_gateway_authorizer", "authorizer"),
        rest_part("aws_api_gateway_deployment", "deployment"),
        rest_part("aws_api_gateway_gateway_response", "gateway response"),
        rest_part("aws_api_gateway_integration", "integration"),
        rest_part("aws_api_gateway_integration_response", "integration response"),
        rest_part("aws_api_gateway_method", "method"),
        rest_part("aws_api_gateway_method_response", "method response"),
        rest_part("aws_api_gateway_method_settings", "method settings"),
        rest_part("aws_api_gateway_model", "model"),
        rest_part("aws_api_gateway_request_validator", "request validator"),
        rest_part("aws_api_gateway_resource", "resource"),
        id("aws_api_gateway_rest_api", REST_API),
        rest_part("aws_api_gateway_rest_api_policy", "policy"),
        rest_part("aws_api_gateway_stage", "stage"),
    ]),
    ownership: &[],
    price: Price::Unknown("charged per request, which is not listed"),
    cleanup: delete(0, "apigateway", "delete-rest-api", "--rest-api-id"),
    import: Import::Id("aws_api_gateway_rest_api"),
    needs: &[],
    iam: &["apigateway:GET"],
};

pub const API_KIND: Kind = Kind {
    spec: no_account(spec(API, "apigateway", "apis", Some("GetApis"), None, &[], "HTTP or WebSocket API")),
    declared_by: Declared::Types(&[
        id("aws_apigatewayv2_api", API),
        api_part("aws_apigatewayv2_api_mapping", "API mapping"),
        api_part("aws_apigatewayv2_authorizer", "authorizer"),
        api_part("aws_apigatewayv2_deployment", "deployment"),
        api_part("aws_apigatewayv2_integration", "integration"),
        api_part("aws_apigatewayv2_integration_response", "integration response"),
        api_part("aws_apigatewayv2_model", "model"),
        api_part("aws_apigatewayv2_route", "route"),
        api_part("aws_apigatewayv2_route_response", "route response"),
        api_part("aws_apigatewayv2_stage", "stage"),
    ]),
    ownership: &[],
    price: Price::Unknown("charged per request, which is not listed"),
    cleanup: delete(0, "apigatewayv2", "delete-api", "--api-id"),
    import: Import::Id("aws_apigatewayv2_api"),
    needs: &[],
    iam: &["apigateway:GET"],
};
