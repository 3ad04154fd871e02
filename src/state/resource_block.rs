//! `resource_block`: one element of a version 4 state's `resources` list, as far as
//! conversion reads it (module, mode, type, name, provider, and per instance its key,
//! status, deposed key, attributes and sensitive paths), read from the block's bytes by the
//! `Val` parser with its strings borrowed. It takes exactly the shapes `serde_json` takes
//! for the same fields and refuses anything else (a missing or repeated field, a wrong
//! type, legacy `attributes_flat`), for `serde_json` to read or refuse in its own words.
//! Pure.

use std::borrow::Cow;

use serde_json::Value;

use super::val::{Refused, Val};

/// A resource block.
#[derive(Debug)]
pub struct ResourceBlock<'a> {
    pub module: Option<Cow<'a, str>>,
    pub mode: Cow<'a, str>,
    pub tf_type: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub provider: Cow<'a, str>,
    pub instances: Vec<InstanceBlock<'a>>,
}

/// One instance of a resource block.
#[derive(Debug)]
pub struct InstanceBlock<'a> {
    pub index_key: Option<Value>,
    pub status: Option<Cow<'a, str>>,
    pub deposed: Option<Cow<'a, str>>,
    /// The attributes, as written (not yet normalized): an empty object when absent.
    pub attributes: Val<'a>,
    /// `sensitive_attributes`, `Null` when absent.
    pub sensitive: Value,
}

/// Marks a field as read, refusing one written twice (`serde_json` says "duplicate field").
fn first<T>(slot: &mut Option<T>, value: T) -> Result<(), Refused> {
    if slot.is_some() {
        return Err(Refused);
    }
    *slot = Some(value);
    Ok(())
}

/// A string, as a `String` field reads it.
fn string(value: Val<'_>) -> Result<Cow<'_, str>, Refused> {
    match value {
        Val::Str(s) => Ok(s),
        _ => Err(Refused),
    }
}

/// A string or null, as an `Option<String>` field reads it.
fn optional_string(value: Val<'_>) -> Result<Option<Cow<'_, str>>, Refused> {
    match value {
        Val::Null => Ok(None),
        Val::Str(s) => Ok(Some(s)),
        _ => Err(Refused),
    }
}

impl<'a> ResourceBlock<'a> {
    /// Reads a block from its bytes.
    pub fn read(raw: &'a [u8]) -> Result<Self, Refused> {
        let Val::Obj(members) = Val::parse(raw)? else { return Err(Refused) };
        let (mut module, mut mode, mut tf_type, mut name, mut provider, mut instances) =
            (None, None, None, None, None, None);
        for (key, value) in members {
            match key.as_ref() {
                "module" => first(&mut module, optional_string(value)?)?,
                "mode" => first(&mut mode, string(value)?)?,
                "type" => first(&mut tf_type, string(value)?)?,
                "name" => first(&mut name, string(value)?)?,
                "provider" => first(&mut provider, string(value)?)?,
                "instances" => {
                    let Val::Arr(items) = value else { return Err(Refused) };
                    first(&mut instances, items.into_iter().map(InstanceBlock::read).collect::<Result<Vec<_>, _>>()?)?;
                }
                _ => {}
            }
        }
        Ok(Self {
            module: module.flatten(),
            mode: mode.ok_or(Refused)?,
            tf_type: tf_type.ok_or(Refused)?,
            name: name.ok_or(Refused)?,
            provider: provider.unwrap_or_default(),
            instances: instances.unwrap_or_default(),
        })
    }
}

impl<'a> InstanceBlock<'a> {
    fn read(value: Val<'a>) -> Result<Self, Refused> {
        let Val::Obj(members) = value else { return Err(Refused) };
        let (mut index_key, mut status, mut deposed, mut attributes, mut flat, mut sensitive) =
            (None, None, None, None, None, None);
        for (key, value) in members {
            match key.as_ref() {
                "index_key" => first(&mut index_key, value)?,
                "status" => first(&mut status, optional_string(value)?)?,
                "deposed" => first(&mut deposed, optional_string(value)?)?,
                "attributes" => first(&mut attributes, value)?,
                "attributes_flat" => first(&mut flat, value)?,
                "sensitive_attributes" => first(&mut sensitive, value)?,
                _ => {}
            }
        }
        // Legacy flat attributes (rare) are checked and rebuilt by the `serde_json` path.
        if flat.is_some_and(|f: Val<'_>| !f.is_null()) {
            return Err(Refused);
        }
        let attributes = attributes.filter(|a| !a.is_null());
        Ok(Self {
            index_key: index_key.filter(|k| !k.is_null()).map(|k| k.to_value()),
            status: status.flatten(),
            deposed: deposed.flatten(),
            attributes: attributes.unwrap_or(Val::Obj(Vec::new())),
            sensitive: sensitive.map_or(Value::Null, |s| s.to_value()),
        })
    }
}
