#pragma once
// Clang's thread-safety annotations (-Wthread-safety; https://clang.llvm.org/docs/ThreadSafetyAnalysis.html),
// spelled as macros that expand to nothing on other compilers. The lint test lint_thread_safety
// (tests/lint) compiles the annotated code with clang and -Wthread-safety -Werror.
//   GUARDED_BY(mu)        a member read or written only with `mu` held
//   PT_GUARDED_BY(mu)     what a pointer member points to, likewise
//   REQUIRES(mu...)       a function the caller must call with `mu` held
//   EXCLUDES(mu...)       a function the caller must not call with `mu` held (it takes it)
//   ACQUIRE/RELEASE       a function that takes/releases the capability
//   CAPABILITY(name)      a type that is a lock (Mutex, ThreadRole: node/core/sync.h)
//   SCOPED_CAPABILITY     an RAII type that holds a lock for its lifetime (MutexLock)
//   ASSERT_CAPABILITY(x)  a function after which `x` is known held
//   NO_THREAD_SAFETY_ANALYSIS  opts one function out (say why next to it)
#if defined(__clang__)
#define FOLIO_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define FOLIO_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) FOLIO_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY FOLIO_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) FOLIO_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) FOLIO_THREAD_ANNOTATION(pt_guarded_by(x))
#define REQUIRES(...) FOLIO_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) FOLIO_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) FOLIO_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) FOLIO_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) FOLIO_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) FOLIO_THREAD_ANNOTATION(assert_capability(x))
#define RETURN_CAPABILITY(x) FOLIO_THREAD_ANNOTATION(lock_returned(x))
#define NO_THREAD_SAFETY_ANALYSIS FOLIO_THREAD_ANNOTATION(no_thread_safety_analysis)
