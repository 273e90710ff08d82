#ifndef RAYGUARD_SCHEMA_DEFAULTER_H_
#define RAYGUARD_SCHEMA_DEFAULTER_H_

#include <nlohmann/json.hpp>

#include "webhook/schema/structural_schema.h"

namespace rayguard::schema {

// Does to *object what the API server does when it decodes a custom
// resource, before any webhook sees it: a property that is absent, or null
// without `nullable`, gets a copy of its schema `default`; other non-nullable
// nulls are dropped. Defaults apply at every depth where the parent is
// present (or was just defaulted), in map values and list items too. Values
// of the wrong type are left for the validator to report.
// REQUIRES: object != nullptr
void ApplyStructuralDefaults(const SchemaNode& schema, nlohmann::json* object);

// True when ApplyStructuralDefaults would change `object`, found without
// copying it.
bool NeedsStructuralDefaults(const SchemaNode& schema,
                             const nlohmann::json& object);

}  // namespace rayguard::schema

#endif  // RAYGUARD_SCHEMA_DEFAULTER_H_
