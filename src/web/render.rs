//! HTML templates (minijinja): auto-escaped, and a missing variable is an error, not a blank.

use minijinja::{Environment, UndefinedBehavior, Value};

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn load() -> Result<Templates, String> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.add_filter("linkify", |text: &str| super::linkify::filter(text));
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
