//! Every element of the SDL carries a description: each type (objects, interfaces,
//! unions, enums, inputs, scalars), field, argument, enum value and input field, so that
//! GraphiQL's docs pane and generated client types explain the API. The SDL the code
//! exports is parsed with async-graphql's own GraphQL parser, and the test lists every
//! element without a description.

use async_graphql::parser::{
    Positioned, parse_schema,
    types::{FieldDefinition, InputValueDefinition, TypeKind, TypeSystemDefinition},
};

/// The directives the GraphQL specification defines; their arguments are described
/// there, and async-graphql exports them without argument descriptions.
const SPEC_DIRECTIVES: [&str; 3] = ["include", "skip", "specifiedBy"];

fn described(d: &Option<Positioned<String>>) -> bool {
    d.as_ref().is_some_and(|d| !d.node.trim().is_empty())
}

fn args<'a>(
    owner: &str,
    args: impl IntoIterator<Item = &'a Positioned<InputValueDefinition>>,
    missing: &mut Vec<String>,
) {
    for a in args {
        if !described(&a.node.description) {
            missing.push(format!("{owner}({})", a.node.name.node));
        }
    }
}

/// The undocumented elements of `sdl`, as `Type`, `Type.field`, `Type.field(arg)`,
/// `Enum.VALUE`, `Input.field` or `@directive`.
fn undocumented(sdl: &str) -> Vec<String> {
    let doc = parse_schema(sdl).unwrap_or_else(|e| panic!("the SDL does not parse: {e}"));
    let mut missing = Vec::new();
    for def in &doc.definitions {
        match def {
            TypeSystemDefinition::Schema(_) => {}
            TypeSystemDefinition::Directive(d) => {
                let name = &d.node.name.node;
                if !described(&d.node.description) {
                    missing.push(format!("@{name}"));
                }
                if !SPEC_DIRECTIVES.contains(&name.as_str()) {
                    args(&format!("@{name}"), &d.node.arguments, &mut missing);
                }
            }
            TypeSystemDefinition::Type(t) => {
                let t = &t.node;
                let name = t.name.node.as_str();
                if !described(&t.description) {
                    missing.push(name.to_owned());
                }
                match &t.kind {
                    TypeKind::Object(o) => fields(name, &o.fields, &mut missing),
                    TypeKind::Interface(i) => fields(name, &i.fields, &mut missing),
                    TypeKind::Enum(e) => {
                        for v in &e.values {
                            if !described(&v.node.description) {
                                missing.push(format!("{name}.{}", v.node.value.node));
                            }
                        }
                    }
                    TypeKind::InputObject(i) => {
                        for f in &i.fields {
                            if !described(&f.node.description) {
                                missing.push(format!("{name}.{}", f.node.name.node));
                            }
                        }
                    }
                    TypeKind::Scalar | TypeKind::Union(_) => {}
                }
            }
        }
    }
    missing
}

fn fields(owner: &str, fields: &[Positioned<FieldDefinition>], missing: &mut Vec<String>) {
    for f in fields {
        let name = format!("{owner}.{}", f.node.name.node);
        if !described(&f.node.description) {
            missing.push(name.clone());
        }
        args(&name, &f.node.arguments, missing);
    }
}

#[test]
fn every_element_of_the_sdl_is_described() {
    let missing = undocumented(&quire_tests::quire::graphql::sdl());
    assert!(
        missing.is_empty(),
        "{} elements of the SDL have no description (write a `///` doc, or \
         `#[graphql(desc = \"…\")]` on an argument):\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

/// The check itself finds each kind of undocumented element.
#[test]
fn the_check_finds_each_kind_of_undocumented_element() {
    let sdl = r#"
        """A type."""
        type Q { a: Int "b" b(x: Int, "y" y: Int): Int }
        type Bare { "f" f: Int }
        "E" enum E { "one" ONE TWO }
        "I" input I { "p" p: Int q: Int }
        interface N { id: ID }
        union U = Q | Bare
        scalar S
        directive @mine(arg: Int) on FIELD
        directive @skip(if: Boolean!) on FIELD
        schema { query: Q }
    "#;
    assert_eq!(
        undocumented(sdl),
        [
            "Q.a",
            "Q.b(x)",
            "Bare",
            "E.TWO",
            "I.q",
            "N",
            "N.id",
            "U",
            "S",
            "@mine",
            "@mine(arg)",
            "@skip"
        ]
    );
}
