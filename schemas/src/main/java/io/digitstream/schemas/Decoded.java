package io.digitstream.schemas;

import java.util.Objects;
import java.util.function.Function;

/**
 * The result of reading untrusted bytes: either a value or a typed reason why not.
 * Decoding never throws for bad input; callers route {@link Invalid} to the dead-letter topic.
 */
public sealed interface Decoded<T> permits Decoded.Valid, Decoded.Invalid {

    record Valid<T>(T value) implements Decoded<T> {
        public Valid {
            Objects.requireNonNull(value, "value");
        }
    }

    /** {@code reason} is a human sentence that names the particular problem. */
    record Invalid<T>(ErrorCode code, String reason) implements Decoded<T> {
        public Invalid {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
        }

        /** The same failure, typed for another value type. */
        @SuppressWarnings("unchecked")
        public <U> Invalid<U> retype() {
            return (Invalid<U>) this;
        }
    }

    static <T> Decoded<T> valid(T value) {
        return new Valid<>(value);
    }

    static <T> Decoded<T> invalid(ErrorCode code, String reason) {
        return new Invalid<>(code, reason);
    }

    default boolean isValid() {
        return this instanceof Valid;
    }

    default <U> Decoded<U> map(Function<T, U> mapper) {
        if (this instanceof Valid<T> valid) {
            return new Valid<>(mapper.apply(valid.value()));
        }
        return ((Invalid<T>) this).retype();
    }

    default <U> Decoded<U> flatMap(Function<T, Decoded<U>> mapper) {
        if (this instanceof Valid<T> valid) {
            return mapper.apply(valid.value());
        }
        return ((Invalid<T>) this).retype();
    }

    /** The value, or an {@link InvalidMessageException} carrying the code and reason. */
    default T orElseThrow() {
        if (this instanceof Valid<T> valid) {
            return valid.value();
        }
        Invalid<T> invalid = (Invalid<T>) this;
        throw new InvalidMessageException(invalid.code(), invalid.reason());
    }
}
