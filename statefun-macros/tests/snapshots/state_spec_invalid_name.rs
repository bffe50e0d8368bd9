::core::compile_error! {
    "invalid state name `last-seen`: use ASCII letters, digits and `_`, not starting with a digit, e.g. `name = \"last_seen\"`"
}
#[automatically_derived]
impl ::statefun::__private::State for Account {
    fn specs() -> ::statefun::__private::Vec<::statefun::__private::ValueSpec> {
        ::statefun::__private::Vec::from([
            <Value<
                i32,
            > as ::statefun::__private::StateField>::spec(
                "last-seen",
                ::statefun::__private::Expiration::Never,
            ),
        ])
    }
    fn from_cells(
        cells: &mut ::statefun::__private::Cells<'_>,
    ) -> ::statefun::__private::Result<Self, ::statefun::__private::StateError> {
        ::statefun::__private::Result::Ok(Self {
            seen: <Value<i32> as ::statefun::__private::StateField>::from_cells(cells)?,
        })
    }
    fn write_mutations(
        &self,
        mutations: &mut ::statefun::__private::Mutations<'_>,
    ) -> ::statefun::__private::Result<(), ::statefun::__private::StateError> {
        <Value<i32> as ::statefun::__private::StateField>::write(&self.seen, mutations)?;
        ::statefun::__private::Result::Ok(())
    }
}
