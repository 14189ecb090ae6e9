"""Reading and checking what a build is a function of, before anything is rendered: the spec (its
rules and vendor extensions), the API config beside it, the runtime layers it names, the templates."""
