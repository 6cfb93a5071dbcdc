// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace reposcope {

// What went wrong, as a category the caller can branch on, plus a message a person
// can act on ("what happened and what to do").
struct Error {
    enum class Code {
        Generic,
        NotFound,
        NotARepository,
        CorruptRepository,
        BadReference,
        Unreadable,
        Io,
        InvalidData,
        Cancelled,
        Usage,
    };
    Code code = Code::Generic;
    QString message;

    static Error make(Code code, QString message) { return Error{code, std::move(message)}; }
};

// Expected-like result: either a value or an Error. No exceptions cross layers.
template <typename T> class Result {
public:
    Result(T value)
        : m_data(std::move(value)) {} // NOLINT(google-explicit-constructor)
    Result(Error error)
        : m_data(std::move(error)) {} // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_data); }
    T &value() & { return std::get<T>(m_data); }
    T &&value() && { return std::get<T>(std::move(m_data)); }
    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    const Error &error() const { return std::get<Error>(m_data); }

private:
    std::variant<T, Error> m_data;
};

struct Ok {};

} // namespace reposcope
