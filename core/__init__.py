"""Pure rules of ASSIST: no Flask, no Peewee. Values in, values out; errors are core.errors exceptions."""
