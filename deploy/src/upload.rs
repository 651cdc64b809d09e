//! Templates too big to pass inline: uploaded to S3 and passed to CloudFormation by URL.
//!
//! CloudFormation takes a `TemplateBody` of at most 51,200 bytes and a template in S3 of at
//! most 1 MB (`TemplateURL`). The bucket is the one named with `--bucket`, or cfnforge's own
//! for the account and region, created on first use: encrypted (SSE-S3), public access
//! blocked, objects expiring after [`EXPIRE_DAYS`]. The object key is the body's SHA-256, so
//! the same template is the same object.

use sha2::{Digest, Sha256};

use super::{DeployError, DeployOptions, DeployRequest, Pacing, Ui, retry};
use crate::cloud::Cloud;
use cfnforge::checks::{MAX_BODY_BYTES, MAX_INLINE_BODY_BYTES};

/// Uploaded templates are only needed while a change set is created: a week is plenty.
pub const EXPIRE_DAYS: i32 = 7;

/// Where a template went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    pub bucket: String,
    pub key: String,
    pub url: String,
    /// The bucket was made by this call.
    pub created_bucket: bool,
}

/// The name of cfnforge's own bucket for an account and region.
pub fn default_bucket(account: &str, region: &str) -> String {
    format!("cfnforge-assets-{account}-{region}")
}

/// The object key of a template: its SHA-256, so an unchanged template is not stored twice.
pub fn template_key(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("templates/{hex}.yaml")
}

/// `None` when the template fits inline; otherwise uploads it and says where.
pub(super) async fn stage<C: Cloud>(
    cloud: &C,
    request: &DeployRequest,
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<Option<Staged>, DeployError> {
    let size = request.template_body.len();
    if size <= MAX_INLINE_BODY_BYTES {
        return Ok(None);
    }
    if size > MAX_BODY_BYTES {
        return Err(DeployError::TemplateTooLarge(size));
    }
    let pacing: &Pacing = &options.pacing;
    let (bucket, created_bucket) = match &options.bucket {
        Some(bucket) => {
            if !retry(pacing, || cloud.bucket_exists(bucket)).await? {
                return Err(DeployError::Refused {
                    reason: format!(
                        "the template is {size} bytes, over the 51,200 CloudFormation takes inline, and bucket {bucket} (--bucket) does not exist or is not yours"
                    ),
                    remedy: "create the bucket, or leave --bucket out and cfnforge creates its own for the account and region".to_string(),
                });
            }
            (bucket.clone(), false)
        }
        None => {
            let (account, region) = retry(pacing, || cloud.account_and_region()).await?;
            let bucket = default_bucket(&account, &region);
            let exists = retry(pacing, || cloud.bucket_exists(&bucket)).await?;
            if !exists {
                retry(pacing, || cloud.create_asset_bucket(&bucket, EXPIRE_DAYS)).await?;
            }
            (bucket, !exists)
        }
    };
    let key = template_key(&request.template_body);
    let url = retry(pacing, || {
        cloud.put_template(&bucket, &key, &request.template_body)
    })
    .await?;
    if created_bucket {
        ui.info(&format!(
            "{}: created bucket {bucket} for templates (encrypted, no public access, objects expire after {EXPIRE_DAYS} days)",
            request.stack_name
        ));
    }
    ui.info(&format!(
        "{}: the template is {size} bytes, over the 51,200 CloudFormation takes inline: uploaded to s3://{bucket}/{key}",
        request.stack_name
    ));
    Ok(Some(Staged {
        bucket,
        key,
        url,
        created_bucket,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_the_bodys_sha256() {
        // sha256("abc"), from FIPS 180-2's test vectors.
        assert_eq!(
            template_key("abc"),
            "templates/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.yaml"
        );
        assert_eq!(
            default_bucket("123456789012", "ap-southeast-1"),
            "cfnforge-assets-123456789012-ap-southeast-1"
        );
    }
}
