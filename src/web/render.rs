//! HTML templates (minijinja): auto-escaped, and a missing variable is an error, not a blank.

use minijinja::{Environment, UndefinedBehavior, Value};

/// A page's variables as the template's root: a name is one hash lookup (a serialized map
/// compares template values, which showed in the profile of busy pages).
#[derive(Debug)]
struct Vars(std::collections::HashMap<String, Value>);

impl minijinja::value::Object for Vars {
    fn get_value(self: &std::sync::Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get(key.as_str()?).cloned()
    }
}

/// The root value of a page made of `vars`.
pub fn vars(vars: std::collections::HashMap<String, Value>) -> Value {
    Value::from_object(Vars(vars))
}

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn load() -> Result<Templates, String> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.add_filter("linkify", |text: &str| super::linkify::filter(text));
        super::words::register(&mut env);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        for path in super::assets::list("templates/") {
            let raw = super::assets::get(&path).ok_or(format!("{path} vanished"))?;
            let text =
                String::from_utf8(raw.into_owned()).map_err(|_| format!("{path} is not UTF-8"))?;
            let name = path.trim_start_matches("templates/").to_owned();
            env.add_template_owned(name, text)
                .map_err(|e| format!("{path}: {e}"))?;
        }
        Ok(Templates { env })
    }

    pub fn render(&self, name: &str, ctx: Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_reads_its_variables_by_name_and_a_missing_one_is_an_error() {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let mut map = std::collections::HashMap::new();
        map.insert("title".to_owned(), Value::from("<Dossier>"));
        map.insert("items".to_owned(), Value::from(vec![1, 2, 3]));
        let root = vars(map);
        let out = env
            .render_str(
                "{{ title }}|{% for i in items %}{{ i }}{% endfor %}|{% if other is defined %}yes{% else %}no{% endif %}",
                root.clone(),
            )
            .unwrap();
        assert_eq!(out, "<Dossier>|123|no");
        assert!(env.render_str("{{ other }}", root).is_err());
    }
}
