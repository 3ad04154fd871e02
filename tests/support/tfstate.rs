//! tfstate: builds Terraform state (format version 4) the way Terraform writes it.
#![allow(dead_code, clippy::needless_pass_by_value, clippy::unwrap_used, clippy::missing_panics_doc)]

use serde_json::{Value, json};

/// A state under construction.
#[derive(Debug, Clone)]
pub struct TfState {
    resources: Vec<Value>,
    module: Option<String>,
    serial: u64,
    outputs: Value,
}

impl Default for TfState {
    fn default() -> Self {
        Self::new()
    }
}

const PROVIDER: &str = "provider[\"registry.terraform.io/hashicorp/aws\"]";

impl TfState {
    pub fn new() -> Self {
        Self { resources: Vec::new(), module: None, serial: 1, outputs: json!({}) }
    }

    /// Resources added next go into this module (`module.net`, `module.net["a"]`).
    #[must_use]
    pub fn module(mut self, module: Option<&str>) -> Self {
        self.module = module.map(str::to_owned);
        self
    }

    fn push(mut self, mode: &str, tf_type: &str, name: &str, instances: Vec<Value>) -> Self {
        let mut resource = json!({
            "mode": mode, "type": tf_type, "name": name, "provider": PROVIDER, "instances": instances
        });
        if let Some(module) = &self.module {
            resource["module"] = json!(module);
        }
        self.resources.push(resource);
        self
    }

    fn instance(index_key: Option<Value>, attributes: Value) -> Value {
        let mut instance = json!({
            "schema_version": 1, "attributes": attributes, "sensitive_attributes": [],
            "private": "eyJzY2hlbWFfdmVyc2lvbiI6IjEifQ=="
        });
        if let Some(key) = index_key {
            instance["index_key"] = key;
        }
        instance
    }

    /// A managed resource with one instance.
    #[must_use]
    pub fn managed(self, tf_type: &str, name: &str, attributes: Value) -> Self {
        self.push("managed", tf_type, name, vec![Self::instance(None, attributes)])
    }

    /// A managed resource with `count` or `for_each` instances (index keys given).
    #[must_use]
    pub fn managed_each(self, tf_type: &str, name: &str, instances: Vec<(Value, Value)>) -> Self {
        let instances = instances.into_iter().map(|(key, attrs)| Self::instance(Some(key), attrs)).collect();
        self.push("managed", tf_type, name, instances)
    }

    /// A data source.
    #[must_use]
    pub fn data(self, tf_type: &str, name: &str, attributes: Value) -> Self {
        self.push("data", tf_type, name, vec![Self::instance(None, attributes)])
    }

    /// A managed resource whose instance marks attributes sensitive.
    #[must_use]
    pub fn managed_sensitive(self, tf_type: &str, name: &str, attributes: Value, sensitive: &[&str]) -> Self {
        let mut instance = Self::instance(None, attributes);
        instance["sensitive_attributes"] =
            json!(sensitive.iter().map(|s| json!([{"type": "get_attr", "value": s}])).collect::<Vec<_>>());
        self.push("managed", tf_type, name, vec![instance])
    }

    /// A root output.
    #[must_use]
    pub fn output(mut self, name: &str, value: &str, sensitive: bool) -> Self {
        self.outputs[name] = json!({"value": value, "type": "string", "sensitive": sensitive});
        self
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&json!({
            "version": 4,
            "terraform_version": "1.9.8",
            "serial": self.serial,
            "lineage": "3f1a2b4c-0000-4000-8000-000000000000",
            "outputs": self.outputs,
            "resources": self.resources,
            "check_results": null
        }))
        .unwrap()
    }
}
