::core::compile_error! {
    "generic state structs are not supported: each state value has one concrete type, e.g. `Value<i32>`"
}
::core::compile_error! {
    "`#[derive(StateSpec)]` needs a struct with named fields, not an enum: `struct MyState { seen: Value<i32> }`"
}
#[automatically_derived]
impl<T: Clone> my_statefun::__private::State for Account<T>
where
    T: Send,
    for<'__statefun> Account<T>: my_statefun::__private::Send,
{
    fn specs() -> my_statefun::__private::Vec<my_statefun::__private::ValueSpec> {
        ::core::unreachable!()
    }
    fn from_cells(
        _: &mut my_statefun::__private::Cells<'_>,
    ) -> my_statefun::__private::Result<Self, my_statefun::__private::StateError> {
        ::core::unreachable!()
    }
    fn write_mutations(
        &self,
        _: &mut my_statefun::__private::Mutations<'_>,
    ) -> my_statefun::__private::Result<(), my_statefun::__private::StateError> {
        ::core::unreachable!()
    }
}
