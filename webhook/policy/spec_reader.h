#ifndef RAYGUARD_POLICY_SPEC_READER_H_
#define RAYGUARD_POLICY_SPEC_READER_H_

#include <optional>
#include <vector>

#include "webhook/policy/object_reader.h"
#include "webhook/policy/policy.h"

namespace rayguard::policy {

// Readers of the spec parts that validating and mutating admission policies
// share, with the API server's validation; faults go to the reader's
// errors. Internal to the policy loaders.

// A metav1.LabelSelector at `loc` (absent: empty, which matches everything).
LabelSelector ReadLabelSelector(ObjectReader& r, const Loc& loc);

// matchConstraints or a binding's matchResources at `loc`.
MatchResources ReadMatchResourcesField(ObjectReader& r, const Loc& loc);

// matchConditions and variables: named expressions with unique names;
// `identifier_names` requires CEL identifiers (variables).
std::vector<NamedExpression> ReadNamedExpressions(ObjectReader& r,
                                                  const Loc& loc,
                                                  const char* value_field,
                                                  bool identifier_names);

// A binding's paramRef at `loc`, or nullopt when absent.
std::optional<ParamRef> ReadParamRef(ObjectReader& r, const Loc& loc);

}  // namespace rayguard::policy

#endif  // RAYGUARD_POLICY_SPEC_READER_H_
