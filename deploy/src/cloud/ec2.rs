//! The three EC2 calls cfnforge makes (DescribeVpcs, DescribeSubnets, DescribeSecurityGroups),
//! as signed requests of EC2's Query API, without the `aws-sdk-ec2` crate.
//!
//! Why not the SDK: `aws-sdk-ec2` is 1.2 million lines of generated code for some 700
//! operations. On 2 cores it was about 4 of the 6 minutes of a clean debug build and most of
//! its 8 GiB peak, to find a VPC, subnets and security groups by name. Cloud Control's
//! ListResources could list them too, but returns identifiers only (one GetResource per group
//! to read its name and VPC) and needs `cloudformation:ListResources` plus each type's read
//! permissions. The Query API is small and stable (API version 2016-11-15): an
//! `application/x-www-form-urlencoded` POST signed with SigV4, answered with XML. Signing,
//! credentials, TLS and XML tokens come from crates the CloudFormation SDK already builds
//! (`aws-sigv4`, `aws-credential-types`, `hyper-rustls`, `xmlparser`), so this adds no crate to
//! the build.
//!
//! References: Amazon EC2 API Reference, "Making requests to the Amazon EC2 API" (Query
//! requests: `Action`, `Version`, `Filter.N.Name`, `Filter.N.Value.M`, `NextToken`), "Error
//! codes" (the `<Response><Errors><Error>` body), and the actions `DescribeVpcs`,
//! `DescribeSubnets`, `DescribeSecurityGroups`.

use std::time::{Duration, SystemTime};

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::CloudError;
use super::aws::{connection_failure, service_failure};

/// The EC2 API version the Query requests name.
const API_VERSION: &str = "2016-11-15";

/// An element of an EC2 answer: its name, text and children.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child of that name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of the first child of that name.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }

    /// The `<item>`s of a set (`vpcSet`, `tagSet`, ...).
    pub fn items(&self, set: &str) -> impl Iterator<Item = &Element> {
        self.child(set)
            .into_iter()
            .flat_map(|s| s.children.iter().filter(|c| c.name == "item"))
    }

    /// The value of the `Name` tag, if any.
    pub fn name_tag(&self) -> Option<&str> {
        self.items("tagSet")
            .find(|t| t.text_of("key") == Some("Name"))
            .and_then(|t| t.text_of("value"))
    }
}

/// Parses an XML document into its root element (text unescaped; attributes, comments and
/// declarations ignored: EC2's answers carry their data in elements).
pub fn parse_xml(text: &str) -> Result<Element, String> {
    use xmlparser::{ElementEnd, Token, Tokenizer};
    let mut stack: Vec<Element> = vec![Element::default()];
    for token in Tokenizer::from(text) {
        match token.map_err(|e| e.to_string())? {
            Token::ElementStart { local, .. } => stack.push(Element {
                name: local.as_str().to_string(),
                ..Default::default()
            }),
            Token::ElementEnd { end, .. } => match end {
                ElementEnd::Open => {}
                ElementEnd::Close(..) | ElementEnd::Empty => {
                    let done = stack.pop().ok_or("unbalanced XML")?;
                    stack
                        .last_mut()
                        .ok_or("unbalanced XML")?
                        .children
                        .push(done);
                }
            },
            Token::Text { text } => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&unescape(text.as_str()));
                }
            }
            Token::Cdata { text, .. } => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(text.as_str());
                }
            }
            _ => {}
        }
    }
    let mut document = stack.pop().ok_or("empty XML")?;
    if !stack.is_empty() {
        return Err("unclosed XML element".to_string());
    }
    document
        .children
        .pop()
        .ok_or_else(|| "empty XML".to_string())
}

fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let entity = &tail[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=end]),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The body of a Query request: the action, the API version and the filters, form-encoded.
pub fn query_body(action: &str, filters: &[(&str, &str)], next_token: Option<&str>) -> String {
    query_body_of(API_VERSION, action, filters, next_token)
}

fn query_body_of(
    version: &str,
    action: &str,
    filters: &[(&str, &str)],
    next_token: Option<&str>,
) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("Action", action);
    form.append_pair("Version", version);
    for (i, (name, value)) in filters.iter().enumerate() {
        form.append_pair(&format!("Filter.{}.Name", i + 1), name);
        form.append_pair(&format!("Filter.{}.Value.1", i + 1), value);
    }
    if let Some(token) = next_token {
        form.append_pair("NextToken", token);
    }
    form.finish()
}

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

/// `endpoint` without a trailing slash, or the service's regional endpoint (`.com.cn` in China).
fn regional_endpoint(service: &str, region: &str, endpoint: Option<&str>) -> String {
    match endpoint {
        Some(url) => url.trim_end_matches('/').to_string(),
        None if region.starts_with("cn-") => format!("https://{service}.{region}.amazonaws.com.cn"),
        None => format!("https://{service}.{region}.amazonaws.com"),
    }
}

/// EC2's Query API for one region, signed with the credentials of the SDK's configuration.
#[derive(Clone)]
pub struct Ec2 {
    /// The HTTP client, or why TLS could not be set up (said at the first call).
    http: Result<Client<Https, Full<Bytes>>, String>,
    credentials: Option<SharedCredentialsProvider>,
    region: String,
    endpoint: String,
    /// Longest wait for one call (connect, send, read the answer).
    timeout: Duration,
    /// The signing name: `ec2`, or another service called the same way (`elasticache`,
    /// `secretsmanager`).
    service: &'static str,
    /// The Query API version (EC2's, or ElastiCache's); unused by JSON-protocol services.
    version: &'static str,
}

impl std::fmt::Debug for Ec2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ec2")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

impl Ec2 {
    /// `endpoint`: the URL every call goes to (an emulator); by default EC2's regional endpoint.
    pub fn new(
        credentials: Option<SharedCredentialsProvider>,
        region: &str,
        endpoint: Option<&str>,
        timeout: Duration,
    ) -> Ec2 {
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        let http = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider)
            .map(|builder| {
                let https = builder.https_or_http().enable_http1().build();
                Client::builder(TokioExecutor::new()).build(https)
            })
            .map_err(|e| format!("cannot set up TLS (the system's root certificates): {e}"));
        Ec2 {
            http,
            credentials,
            region: region.to_string(),
            endpoint: regional_endpoint("ec2", region, endpoint),
            service: "ec2",
            timeout,
            version: API_VERSION,
        }
    }

    /// Another service signed the same way, in the same region, with the same credentials and
    /// HTTP client. `endpoint` as for [`Ec2::new`].
    fn sibling(&self, service: &'static str, version: &'static str, endpoint: Option<&str>) -> Ec2 {
        Ec2 {
            endpoint: regional_endpoint(service, &self.region, endpoint),
            service,
            version,
            ..self.clone()
        }
    }

    /// ElastiCache's Query API (version 2015-02-02): the same signed form POST, answered with
    /// XML (ElastiCache API Reference, "Making Query requests").
    pub fn elasticache(&self, endpoint: Option<&str>) -> Ec2 {
        self.sibling("elasticache", "2015-02-02", endpoint)
    }

    /// Secrets Manager's JSON API ([`Ec2::json`]; the Query version is not used).
    pub fn secrets_manager(&self, endpoint: Option<&str>) -> Ec2 {
        self.sibling("secretsmanager", API_VERSION, endpoint)
    }

    /// One Query action with plain parameters (`Name=Value`), not paged: its answer.
    pub async fn query(
        &self,
        action: &str,
        params: &[(&str, &str)],
    ) -> Result<Element, CloudError> {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("Action", action);
        form.append_pair("Version", self.version);
        for (name, value) in params {
            form.append_pair(name, value);
        }
        self.call(action, form.finish()).await
    }

    /// Runs a Describe action with filters, following `nextToken`; the `<item>`s of `set`.
    pub async fn describe(
        &self,
        action: &str,
        set: &str,
        filters: &[(&str, &str)],
    ) -> Result<Vec<Element>, CloudError> {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let body = query_body_of(self.version, action, filters, token.as_deref());
            let answer = self.call(action, body).await?;
            items.extend(answer.items(set).cloned());
            token = answer
                .text_of("nextToken")
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if token.is_none() {
                return Ok(items);
            }
        }
    }

    async fn call(&self, action: &str, body: String) -> Result<Element, CloudError> {
        let api = |message: String| CloudError::Api {
            operation: action.to_string(),
            code: None,
            message,
        };
        let (status, bytes) = self
            .send(
                action,
                "application/x-www-form-urlencoded; charset=utf-8",
                None,
                body,
            )
            .await?;
        let text = String::from_utf8_lossy(&bytes);
        let document = parse_xml(&text);
        if status.is_success() {
            return document.map_err(|e| {
                api(format!(
                    "{} answered HTTP {status} with a body that is not EC2's XML ({e})",
                    self.endpoint
                ))
            });
        }
        Err(error(
            action,
            status.as_u16(),
            document.ok(),
            &self.endpoint,
        ))
    }

    /// A call of a JSON-protocol service (`X-Amz-Target: {target}`, as Secrets Manager's):
    /// its HTTP status and the JSON answer. An error answer's `__type` and `message` become
    /// the error's code and message.
    pub async fn json(
        &self,
        operation: &str,
        target: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, CloudError> {
        let (status, bytes) = self
            .send(
                operation,
                "application/x-amz-json-1.1",
                Some(target),
                body.to_string(),
            )
            .await?;
        let answer: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
        if status.is_success() {
            return answer.ok_or_else(|| CloudError::Api {
                operation: operation.to_string(),
                code: None,
                message: format!(
                    "{} answered HTTP {status} with a body that is not JSON",
                    self.endpoint
                ),
            });
        }
        let field = |name: &str| {
            answer
                .as_ref()
                .and_then(|a| {
                    a.get(name)
                        .or_else(|| a.get(&name.to_ascii_uppercase()[..1]))
                })
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        // `__type` may be `namespace#Code`.
        let code = field("__type").map(|t| t.rsplit('#').next().unwrap_or_default().to_string());
        let message = field("message").or_else(|| field("Message"));
        Err(service_failure(
            operation.to_string(),
            &self.endpoint,
            status.as_u16(),
            code,
            message,
        ))
    }

    /// Signs and sends one POST; its status and body.
    async fn send(
        &self,
        action: &str,
        content_type: &str,
        target: Option<&str>,
        body: String,
    ) -> Result<(http::StatusCode, Bytes), CloudError> {
        let api = |message: String| CloudError::Api {
            operation: action.to_string(),
            code: None,
            message,
        };
        let provider = self.credentials.as_ref().ok_or_else(|| {
            api(
                "no AWS credentials found: configure them as for the AWS CLI (aws configure, \
                 AWS_PROFILE, SSO, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
                    .to_string(),
            )
        })?;
        let credentials = provider
            .provide_credentials()
            .await
            .map_err(|e| api(format!("no AWS credentials found: {e}")))?;
        let identity: Identity = credentials.into();
        let url = format!("{}/", self.endpoint);
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(self.service)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| api(format!("cannot sign the request: {e}")))?
            .into();
        let mut headers = vec![("content-type", content_type)];
        if let Some(target) = target {
            headers.push(("x-amz-target", target));
        }
        let signable = SignableRequest::new(
            "POST",
            url.as_str(),
            headers.iter().copied(),
            SignableBody::Bytes(body.as_bytes()),
        )
        .map_err(|e| api(format!("cannot sign the request: {e}")))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| api(format!("cannot sign the request: {e}")))?
            .into_parts();
        let mut builder = http::Request::builder().method("POST").uri(url.as_str());
        for (name, value) in &headers {
            builder = builder.header(*name, *value);
        }
        let mut request = builder
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| api(format!("{}: {e}", self.endpoint)))?;
        instructions.apply_to_request_http1x(&mut request);

        let http = self.http.as_ref().map_err(|e| api(e.clone()))?;
        let exchange = async {
            let response = http.request(request).await.map_err(|e| {
                let (message, retryable) = connection_failure(&self.endpoint, &e);
                let operation = action.to_string();
                if retryable {
                    CloudError::Transient { operation, message }
                } else {
                    CloudError::Api {
                        operation,
                        code: None,
                        message,
                    }
                }
            })?;
            let status = response.status();
            let bytes = response
                .into_body()
                .collect()
                .await
                .map_err(|e| CloudError::Transient {
                    operation: action.to_string(),
                    message: connection_failure(&self.endpoint, &e).0,
                })?
                .to_bytes();
            Ok::<_, CloudError>((status, bytes))
        };
        let (status, bytes) = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| CloudError::Transient {
                operation: action.to_string(),
                message: format!(
                    "{} did not answer within {} s",
                    self.endpoint,
                    self.timeout.as_secs()
                ),
            })??;
        Ok((status, bytes))
    }
}

/// An EC2 error answer as a [`CloudError`], in the same words as the SDK's answers (see
/// `aws::service_failure`): throttling and server errors are worth retrying.
pub fn error(action: &str, status: u16, document: Option<Element>, endpoint: &str) -> CloudError {
    let first = document.as_ref().and_then(|d| {
        d.child("Errors")
            .and_then(|e| e.child("Error"))
            .or_else(|| d.child("Error"))
    });
    let code = first.and_then(|e| e.text_of("Code")).map(str::to_string);
    let message = first.and_then(|e| e.text_of("Message")).map(str::to_string);
    service_failure(action.to_string(), endpoint, status, code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VPCS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>
    <vpcSet>
        <item>
            <vpcId>vpc-0123</vpcId>
            <cidrBlock>10.0.0.0/16</cidrBlock>
            <tagSet>
                <item><key>env</key><value>a &amp; b</value></item>
                <item><key>Name</key><value>band-up-vpc</value></item>
            </tagSet>
        </item>
        <item><vpcId>vpc-4567</vpcId><tagSet/></item>
    </vpcSet>
    <nextToken/>
</DescribeVpcsResponse>"#;

    #[test]
    fn an_answer_is_read_into_items_with_their_name_tags() {
        let answer = parse_xml(VPCS).unwrap();
        assert_eq!(answer.name, "DescribeVpcsResponse");
        let vpcs: Vec<&Element> = answer.items("vpcSet").collect();
        assert_eq!(vpcs.len(), 2);
        assert_eq!(vpcs[0].text_of("vpcId"), Some("vpc-0123"));
        assert_eq!(vpcs[0].name_tag(), Some("band-up-vpc"));
        assert_eq!(
            vpcs[0]
                .items("tagSet")
                .next()
                .and_then(|t| t.text_of("value")),
            Some("a & b")
        );
        assert_eq!(vpcs[1].name_tag(), None);
        assert_eq!(answer.text_of("nextToken"), Some(""));
    }

    #[test]
    fn broken_xml_is_an_error_not_a_panic() {
        assert!(parse_xml("<a><b></a>").is_err());
        assert!(parse_xml("<a>").is_err());
        assert!(parse_xml("").is_err());
        assert!(parse_xml("<html><body>503 Service Unavailable</body></html>").is_ok());
    }

    #[test]
    fn filters_are_numbered_as_the_query_api_wants() {
        assert_eq!(
            query_body(
                "DescribeSubnets",
                &[("tag:Name", "private subnet&1"), ("vpc-id", "vpc-1")],
                Some("t/1")
            ),
            "Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=tag%3AName&\
             Filter.1.Value.1=private+subnet%261&Filter.2.Name=vpc-id&Filter.2.Value.1=vpc-1&\
             NextToken=t%2F1"
        );
    }

    #[test]
    fn error_answers_keep_the_code_and_throttling_is_retryable() {
        let throttled = parse_xml(
            "<Response><Errors><Error><Code>RequestLimitExceeded</Code>\
             <Message>Request limit exceeded.</Message></Error></Errors>\
             <RequestID>1</RequestID></Response>",
        )
        .unwrap();
        let e = error("DescribeVpcs", 503, Some(throttled), "https://ec2");
        assert!(matches!(e, CloudError::Throttled { .. }), "{e:?}");
        assert_eq!(e.message(), "Request limit exceeded.");

        let denied = parse_xml(
            "<Response><Errors><Error><Code>UnauthorizedOperation</Code>\
             <Message>You are not authorized.</Message></Error></Errors></Response>",
        )
        .unwrap();
        let e = error("DescribeVpcs", 403, Some(denied), "https://ec2");
        assert_eq!(
            e,
            CloudError::Api {
                operation: "DescribeVpcs".to_string(),
                code: Some("UnauthorizedOperation".to_string()),
                message: "You are not authorized.".to_string(),
            }
        );

        let html = error("DescribeVpcs", 503, None, "http://127.0.0.1:1");
        assert!(html.is_retryable());
        assert_eq!(
            html.message(),
            "http://127.0.0.1:1 answered HTTP 503 Service Unavailable with no AWS error in the body"
        );
    }
}
