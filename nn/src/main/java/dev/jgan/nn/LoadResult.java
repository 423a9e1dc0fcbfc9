package dev.jgan.nn;

import java.util.List;

/**
 * What a non-strict {@link Module#loadStateDict} skipped: module entries the dict lacked ({@code missingKeys})
 * and dict entries the module lacks ({@code unexpectedKeys}), as PyTorch's {@code _IncompatibleKeys}.
 */
public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
    public LoadResult {
        missingKeys = List.copyOf(missingKeys);
        unexpectedKeys = List.copyOf(unexpectedKeys);
    }

    /** True when every key matched. */
    public boolean isClean() {
        return missingKeys.isEmpty() && unexpectedKeys.isEmpty();
    }
}
