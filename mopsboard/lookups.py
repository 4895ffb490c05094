"""`field__any_of=[...]`: PostgreSQL's `field = ANY(%s)`, the list sent as one array.

The ORM's `__in` writes a placeholder a value and sends each on its own: for the weekly
review's 500 planned tasks that took longer to build and send than PostgreSQL took to
answer (bench/README.md). Use it where a list of ids from an earlier query grows with
the data; `__in` stays right for a handful of choices.

It takes an `ArraySubquery` as well: `field = ANY(ARRAY(SELECT ...))` has PostgreSQL read
the subquery's rows first and look each one up, where `__in` with a subquery lets it
choose a join that reads the whole other table (capacity.load).
"""

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        field = self.lhs.output_field
        return "%s", [[field.get_db_prep_value(item, connection) for item in value]]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


Field.register_lookup(AnyOf)
# A foreign key takes only the lookups registered on it, not a plain field's.
ForeignObject.register_lookup(AnyOf)
