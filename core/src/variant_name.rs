//! The serde name of an enum value's variant, read from its `Serialize`
//! implementation: an event kind's or a command's name is then written once,
//! in its serde attribute, and never again in a hand-kept table.

use serde::ser::{self, Impossible, Serialize, Serializer};

/// The variant name `value` serialises under, or `None` for a value that is
/// not an enum variant.
pub fn variant_name<T: Serialize + ?Sized>(value: &T) -> Option<&'static str> {
    match value.serialize(Catch) {
        Err(Found::Name(n)) => Some(n),
        _ => None,
    }
}

/// Stops serialisation at the variant, carrying its name out as the "error".
#[derive(Debug)]
enum Found {
    Name(&'static str),
    NotAVariant,
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("variant name")
    }
}

impl std::error::Error for Found {}

impl ser::Error for Found {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Found::NotAVariant
    }
}

struct Catch;

type Nothing = Result<(), Found>;

macro_rules! not_a_variant {
    ($($name:ident($($t:ty),*)),* $(,)?) => {
        $(fn $name(self, $(_: $t),*) -> Nothing { Err(Found::NotAVariant) })*
    };
}

impl Serializer for Catch {
    type Ok = ();
    type Error = Found;
    type SerializeSeq = Impossible<(), Found>;
    type SerializeTuple = Impossible<(), Found>;
    type SerializeTupleStruct = Impossible<(), Found>;
    type SerializeTupleVariant = Impossible<(), Found>;
    type SerializeMap = Impossible<(), Found>;
    type SerializeStruct = Impossible<(), Found>;
    type SerializeStructVariant = Impossible<(), Found>;

    not_a_variant!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
    );

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Nothing {
        Err(Found::NotAVariant)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Nothing {
        Err(Found::Name(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> Nothing {
        Err(Found::NotAVariant)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: &T,
    ) -> Nothing {
        Err(Found::Name(variant))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Found> {
        Err(Found::NotAVariant)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Found> {
        Err(Found::NotAVariant)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Found> {
        Err(Found::NotAVariant)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Found> {
        Err(Found::Name(variant))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Found> {
        Err(Found::NotAVariant)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Found> {
        Err(Found::NotAVariant)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Found> {
        Err(Found::Name(variant))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    enum E {
        #[serde(rename = "a.unit")]
        Unit,
        #[serde(rename = "a.newtype")]
        Newtype(u32),
        #[serde(rename = "a.struct")]
        Struct { x: u32 },
    }

    #[test]
    fn every_shape_of_variant_gives_its_serde_name() {
        assert_eq!(variant_name(&E::Unit), Some("a.unit"));
        assert_eq!(variant_name(&E::Newtype(1)), Some("a.newtype"));
        assert_eq!(variant_name(&E::Struct { x: 1 }), Some("a.struct"));
        assert_eq!(variant_name(&5u32), None);
    }
}
