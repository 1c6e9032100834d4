//! CloudFormation parameter values from the command line: files in the
//! shapes the AWS CLI and cfn-lint accept, or `Key=Value` pairs.

use std::path::Path;

use crate::model::cfn::Parameters;

/// Reads one `--parameters` argument: a file (a JSON list of
/// `{"ParameterKey", "ParameterValue"}`, a JSON object, optionally under
/// `"Parameters"`, or `Key=Value` lines) or `Key=Value` pairs.
pub fn read(arg: &str, into: &mut Parameters) -> Result<(), String> {
    let text = if Path::new(arg).is_file() {
        std::fs::read_to_string(arg).map_err(|e| format!("{arg}: {e}"))?
    } else {
        arg.to_string()
    };
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{arg}: not valid JSON: {e}"))?;
        return from_json(&json, into).map_err(|e| format!("{arg}: {e}"));
    }
    for pair in text.split_whitespace() {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| format!("{arg}: `{pair}` is not Key=Value"))?;
        into.insert(k.to_string(), v.to_string());
    }
    Ok(())
}

fn scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Array(items) => {
            // A list parameter is written comma-separated.
            let parts: Option<Vec<String>> = items.iter().map(scalar).collect();
            parts.map(|p| p.join(","))
        }
        _ => None,
    }
}

fn from_json(json: &serde_json::Value, into: &mut Parameters) -> Result<(), String> {
    match json {
        serde_json::Value::Array(items) => {
            for item in items {
                let key = item.get("ParameterKey").and_then(|k| k.as_str());
                let value = item.get("ParameterValue").and_then(scalar);
                match (key, value) {
                    (Some(k), Some(v)) => {
                        into.insert(k.to_string(), v);
                    }
                    _ => {
                        return Err(
                            "expected {\"ParameterKey\": ..., \"ParameterValue\": ...} items"
                                .into(),
                        );
                    }
                }
            }
            Ok(())
        }
        serde_json::Value::Object(map) => {
            let map = match map.get("Parameters") {
                Some(serde_json::Value::Object(inner)) => inner,
                _ => map,
            };
            for (k, v) in map {
                let v = scalar(v).ok_or_else(|| format!("the value of {k} is not a string"))?;
                into.insert(k.clone(), v);
            }
            Ok(())
        }
        _ => Err("expected a list or an object".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Parameters {
        let mut p = Parameters::new();
        read(text, &mut p).unwrap();
        p
    }

    #[test]
    fn every_accepted_shape() {
        let aws_cli = parse(r#"[{"ParameterKey": "Env", "ParameterValue": "prod"}]"#);
        let object = parse(r#"{"Parameters": {"Env": "prod"}}"#);
        let plain = parse(r#"{"Env": "prod"}"#);
        let pairs = parse("Env=prod");
        for p in [aws_cli, object, plain, pairs] {
            assert_eq!(p.get("Env").map(String::as_str), Some("prod"));
        }
        assert!(read("Env", &mut Parameters::new()).is_err());
        assert!(read("[1]", &mut Parameters::new()).is_err());
    }
}
