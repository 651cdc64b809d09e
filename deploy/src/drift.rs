//! Drift: whether the stack's resources still are what its template says (DetectStackDrift,
//! followed to the end, then each resource's property differences).

use std::time::{Duration, Instant};

use crate::cloud::{Cloud, ResourceDrift};
use crate::{DeployError, Pacing, retry};

/// How long a drift detection may take before cfnforge stops waiting.
const DETECTION_TIMEOUT: Duration = Duration::from_secs(600);

/// The result of a detection.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DriftReport {
    /// DRIFTED, IN_SYNC, UNKNOWN.
    pub status: String,
    /// Every resource's drift, checked or not.
    pub resources: Vec<ResourceDrift>,
}

impl DriftReport {
    /// The resources that differ from the template or are gone.
    pub fn drifted(&self) -> impl Iterator<Item = &ResourceDrift> {
        self.resources
            .iter()
            .filter(|r| matches!(r.status.as_str(), "MODIFIED" | "DELETED"))
    }
}

/// Runs a drift detection on the stack and waits for it.
pub async fn detect_drift<C: Cloud>(
    cloud: &C,
    stack: &str,
    pacing: &Pacing,
) -> Result<DriftReport, DeployError> {
    let id = retry(pacing, || cloud.detect_stack_drift(stack)).await?;
    let started = Instant::now();
    let mut wait = pacing.first_poll;
    let detection = loop {
        let status = retry(pacing, || cloud.drift_detection_status(&id)).await?;
        if status.detection_status != "DETECTION_IN_PROGRESS" {
            break status;
        }
        if started.elapsed() > DETECTION_TIMEOUT {
            return Err(DeployError::StackState {
                stack: stack.to_string(),
                status: "DETECTION_IN_PROGRESS".to_string(),
                advice: format!(
                    "drift detection {id} did not finish within {} s",
                    DETECTION_TIMEOUT.as_secs()
                ),
            });
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(pacing.max_poll);
    };
    if detection.detection_status == "DETECTION_FAILED" && detection.stack_drift_status.is_none() {
        return Err(DeployError::StackState {
            stack: stack.to_string(),
            status: "DETECTION_FAILED".to_string(),
            advice: detection
                .reason
                .unwrap_or_else(|| "drift detection failed".to_string()),
        });
    }
    let resources = retry(pacing, || cloud.resource_drifts(stack)).await?;
    Ok(DriftReport {
        status: detection
            .stack_drift_status
            .unwrap_or_else(|| "UNKNOWN".to_string()),
        resources,
    })
}

/// Whether a drifted property is a network rule: what `drift` marks `[security]`.
pub fn is_security(resource_type: &str, path: &str) -> bool {
    matches!(
        resource_type,
        "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress"
    ) || path.starts_with("/SecurityGroupIngress")
        || path.starts_with("/SecurityGroupEgress")
}
