#[automatically_derived]
impl ::statefun::__private::State for Account {
    fn specs() -> ::statefun::__private::Vec<::statefun::__private::ValueSpec> {
        ::statefun::__private::Vec::from([
            <Value<
                i32,
            > as ::statefun::__private::StateField>::spec(
                "seen",
                ::statefun::__private::Expiration::Never,
            ),
            <Value<
                Profile,
            > as ::statefun::__private::StateField>::spec(
                "profile_v2",
                ::statefun::__private::Expiration::AfterWrite(
                    ::statefun::__private::Duration::from_millis(5400000u64),
                ),
            ),
            <Value<
                String,
            > as ::statefun::__private::StateField>::spec(
                "type",
                ::statefun::__private::Expiration::AfterCall(
                    ::statefun::__private::Duration::from_millis(1500u64),
                ),
            ),
        ])
    }
    fn from_cells(
        cells: &mut ::statefun::__private::Cells<'_>,
    ) -> ::statefun::__private::Result<Self, ::statefun::__private::StateError> {
        ::statefun::__private::Result::Ok(Self {
            seen: <Value<i32> as ::statefun::__private::StateField>::from_cells(cells)?,
            profile: <Value<
                Profile,
            > as ::statefun::__private::StateField>::from_cells(cells)?,
            r#type: <Value<
                String,
            > as ::statefun::__private::StateField>::from_cells(cells)?,
        })
    }
    fn write_mutations(
        &self,
        mutations: &mut ::statefun::__private::Mutations<'_>,
    ) -> ::statefun::__private::Result<(), ::statefun::__private::StateError> {
        <Value<i32> as ::statefun::__private::StateField>::write(&self.seen, mutations)?;
        <Value<
            Profile,
        > as ::statefun::__private::StateField>::write(&self.profile, mutations)?;
        <Value<
            String,
        > as ::statefun::__private::StateField>::write(&self.r#type, mutations)?;
        ::statefun::__private::Result::Ok(())
    }
}
