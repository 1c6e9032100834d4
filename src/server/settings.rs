//! The settings a file is checked with: the configuration governing it
//! and its Guard rules, loaded once per configuration file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::check::Options;
use crate::config::{self, Config};
use crate::fix::Safety;
use crate::guard::GuardFile;
use crate::rules::{Rule, Severity};

/// What the configuration governing a file selects.
pub(crate) struct Settings {
    pub(crate) config: Arc<Config>,
    pub(crate) rules: Vec<&'static Rule>,
    pub(crate) guard: Arc<Vec<GuardFile>>,
    /// Why the configuration or its Guard rules could not be used: shown
    /// on every file it governs, which are checked with the defaults.
    pub(crate) problem: Option<String>,
}

/// Settings by configuration file, dropped when one of them changes.
#[derive(Default)]
pub(crate) struct SettingsCache(Mutex<HashMap<Option<PathBuf>, Arc<Settings>>>);

impl SettingsCache {
    pub(crate) fn get(&self, path: &Path) -> Arc<Settings> {
        let key = config::for_path(path);
        if let Some(s) = self.0.lock().unwrap().get(&key) {
            return Arc::clone(s);
        }
        let settings = Arc::new(load_settings(key.as_deref()));
        self.0.lock().unwrap().insert(key, Arc::clone(&settings));
        settings
    }

    pub(crate) fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

fn load_settings(path: Option<&Path>) -> Settings {
    let mut problem = None;
    let config = match path.map(|p| config::load(p, config::Origin::Found)) {
        Some(Ok(c)) => c,
        Some(Err(e)) => {
            problem = Some(format!(
                "configuration file {}: {}",
                e.path.display(),
                e.message
            ));
            Config::default()
        }
        None => Config::default(),
    };
    let rule_paths: Vec<crate::guard::RulePath> = config
        .guard_rules
        .iter()
        .map(|p| crate::guard::RulePath {
            path: p.clone(),
            within: config.boundary.clone(),
        })
        .collect();
    let guard = match crate::guard::load(&rule_paths, Severity::Medium, &config.guard_severity) {
        Ok(g) => g,
        Err(e) => {
            problem = Some(format!("Guard rules {}: {}", e.path.display(), e.message));
            Vec::new()
        }
    };
    Settings {
        rules: config.rules(),
        config: Arc::new(config),
        guard: Arc::new(guard),
        problem,
    }
}

impl Settings {
    /// Options to check `path` with these buffers in place of the disk;
    /// fixes are computed (safe and unsafe) to be offered, not applied.
    pub(crate) fn options(&self, path: &Path, overrides: HashMap<PathBuf, String>) -> Options {
        Options {
            paths: vec![path.to_path_buf()],
            rules: self.rules.clone(),
            overrides,
            config: Arc::clone(&self.config),
            force_exclude: true,
            fix: Some(Safety::Unsafe),
            guard: Arc::clone(&self.guard),
            ..Options::default()
        }
    }
}
