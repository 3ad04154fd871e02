//! `resource_block`: one element of a version 4 state's `resources` list, as far as
//! conversion reads it (module, mode, type, name, provider, and per instance its key,
//! status, deposed key, attributes and sensitive paths), read from the block's bytes by the
//! `Val` parser with its strings borrowed and its tree in the caller's arena. It takes exactly the shapes `serde_json` takes
//! for the same fields and refuses anything else (a missing or repeated field, a wrong
//! type, legacy `attributes_flat`), for `serde_json` to read or refuse in its own words.
//! Pure.

use bumpalo::Bump;
use serde_json::Value;

use super::val::{Refused, Val};

/// A resource block.
#[derive(Debug)]
pub struct ResourceBlock<'a> {
    pub module: Option<&'a str>,
    pub mode: &'a str,
    pub tf_type: &'a str,
    pub name: &'a str,
    pub provider: &'a str,
    pub instances: Vec<InstanceBlock<'a>>,
}

/// One instance of a resource block.
#[derive(Debug)]
pub struct InstanceBlock<'a> {
    pub index_key: Option<Value>,
    pub status: Option<&'a str>,
    pub deposed: Option<&'a str>,
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
fn string<'a>(value: &Val<'a>) -> Result<&'a str, Refused> {
    match value {
        Val::Str(s) => Ok(s),
        _ => Err(Refused),
    }
}

/// A string or null, as an `Option<String>` field reads it.
fn optional_string<'a>(value: &Val<'a>) -> Result<Option<&'a str>, Refused> {
    match value {
        Val::Null => Ok(None),
        Val::Str(s) => Ok(Some(s)),
        _ => Err(Refused),
    }
}

impl<'a> ResourceBlock<'a> {
    /// Reads a block from its bytes, its tree in `arena`.
    pub fn read(raw: &'a [u8], arena: &'a Bump) -> Result<Self, Refused> {
        let Val::Obj(members) = Val::parse(raw, arena)? else { return Err(Refused) };
        let (mut module, mut mode, mut tf_type, mut name, mut provider, mut instances) =
            (None, None, None, None, None, None);
        for (key, value) in members.iter_mut() {
            match *key {
                "module" => first(&mut module, optional_string(value)?)?,
                "mode" => first(&mut mode, string(value)?)?,
                "type" => first(&mut tf_type, string(value)?)?,
                "name" => first(&mut name, string(value)?)?,
                "provider" => first(&mut provider, string(value)?)?,
                "instances" => {
                    let Val::Arr(items) = std::mem::take(value) else { return Err(Refused) };
                    let read = items.iter_mut().map(|item| InstanceBlock::read(std::mem::take(item)));
                    first(&mut instances, read.collect::<Result<Vec<_>, _>>()?)?;
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
        for (key, value) in members.iter_mut() {
            match *key {
                "index_key" => first(&mut index_key, std::mem::take(value))?,
                "status" => first(&mut status, optional_string(value)?)?,
                "deposed" => first(&mut deposed, optional_string(value)?)?,
                "attributes" => first(&mut attributes, std::mem::take(value))?,
                "attributes_flat" => first(&mut flat, std::mem::take(value))?,
                "sensitive_attributes" => first(&mut sensitive, std::mem::take(value))?,
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
            attributes: attributes.unwrap_or(Val::Obj(&mut [])),
            sensitive: sensitive.map_or(Value::Null, |s| s.to_value()),
        })
    }
}
