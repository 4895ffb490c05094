"""The OpenAPI schema as the reference page reads it: operations by tag, each with its
parameters, body fields and answers, then the shapes of what comes back."""

from dataclasses import dataclass, field

from api.inputs import TEXT_PATTERNS

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Row:
    name: str
    type: str
    required: bool
    description: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    parameters: list[Row]
    body: list[Row]
    body_type: str
    answers: list[tuple[str, str, str]]


@dataclass
class Section:
    tag: str
    operations: list[Operation] = field(default_factory=list)


@dataclass
class Shape:
    name: str
    description: str
    fields: list[Row]


def reference(schema: dict) -> dict:
    components = schema.get("components", {}).get("schemas", {})
    sections: dict[str, Section] = {}
    for path, operations in schema["paths"].items():
        for method in METHODS:
            if method not in operations:
                continue
            operation = operations[method]
            tag = (operation.get("tags") or ["API"])[0]
            sections.setdefault(tag, Section(tag)).operations.append(
                _operation(method, path, operation, components)
            )
    return {
        "title": schema["info"]["title"],
        "version": schema["info"]["version"],
        "description": schema["info"].get("description", ""),
        "sections": list(sections.values()),
        "shapes": [
            Shape(name, shape.get("description", ""), _fields(shape, components))
            for name, shape in sorted(components.items())
            if shape.get("properties")
        ],
    }


def _operation(method: str, path: str, operation: dict, components: dict) -> Operation:
    parameters = [
        Row(
            f"{parameter['name']} ({parameter['in']})",
            type_text(parameter.get("schema", {})),
            parameter.get("required", False),
            parameter.get("description") or parameter.get("schema", {}).get("description", ""),
        )
        for parameter in operation.get("parameters", [])
    ]
    body_schema = (
        operation.get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema", {})
    )
    return Operation(
        method=method.upper(),
        path=path,
        summary=operation.get("summary", ""),
        description=operation.get("description", ""),
        anchor=operation["operationId"],
        parameters=parameters,
        body=_fields(_resolve(body_schema, components), components),
        body_type=type_text(body_schema),
        answers=[
            (status, answer.get("description", ""), _answer_type(answer))
            for status, answer in operation["responses"].items()
        ],
    )


def _answer_type(answer: dict) -> str:
    for content in answer.get("content", {}).values():
        return type_text(content.get("schema", {}))
    return ""


def _resolve(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref")
    return components[ref.rsplit("/", 1)[-1]] if ref else schema


def _fields(schema: dict, components: dict) -> list[Row]:
    required = set(schema.get("required", []))
    return [
        Row(
            name,
            type_text(prop),
            name in required,
            prop.get("description", ""),
        )
        for name, prop in schema.get("properties", {}).items()
    ]


def type_text(schema: dict) -> str:
    """A schema in a few words: "integer (1 to 5) or null", "list of TaskOut"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            return " or ".join(type_text(part) for part in schema[combined])
    if "enum" in schema:
        return "one of " + ", ".join(
            "null" if value is None else f"“{value}”" if isinstance(value, str) else str(value)
            for value in schema["enum"]
        )
    if "const" in schema:
        return f"“{schema['const']}”"
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {type_text(schema.get('items', {}))}"
    limits = []
    if "format" in schema:
        limits.append(schema["format"])
    if "minimum" in schema or "maximum" in schema:
        limits.append(f"{schema.get('minimum', '…')} to {schema.get('maximum', '…')}")
    if "maxLength" in schema:
        limits.append(f"at most {schema['maxLength']} characters")
    if "pattern" in schema:
        pattern = schema["pattern"]
        limits.append(TEXT_PATTERNS.get(pattern) or f"like {pattern.strip('^$')}")
    return f"{kind} ({', '.join(limits)})" if limits else kind
