/**
 * The offline engine's knowledge: common skills and technologies, how they are
 * spelled in JDs and resumes, a question to ask about each and the key points
 * a good answer covers.
 *
 * Alias markers: a plain alias matches case-insensitively on word boundaries;
 * `=Name` matches only with that exact capitalisation (for words that are also
 * ordinary English, such as "React" or "Swift"); `~Name` is exact-case and also
 * needs a programming-language context (for "Go", "C" and "R").
 *
 * @module
 */

import type { KeyPoint } from "./engine.ts";

/** Broad area of a skill; decides the wording of experience questions. */
export type SkillCategory =
  | "language"
  | "frontend"
  | "backend"
  | "database"
  | "messaging"
  | "cloud"
  | "devops"
  | "data"
  | "testing"
  | "security"
  | "architecture"
  | "mobile"
  | "soft";

/** One catalog entry. */
export interface Skill {
  /** Display name, used as a question topic. */
  name: string;
  /** Broad area; decides how experience questions are worded. */
  category: SkillCategory;
  /** Spellings to detect, with optional `=` / `~` markers (see module docs). */
  aliases: string[];
  /** A concrete question about the skill; behavioural for soft skills. */
  ask: string;
  /** What a good answer covers; the first point is the core and weighs most. */
  keyPoints: KeyPoint[];
}

type PointSpec = [point: string, keywords: string];

/** Builds an entry; keywords are given comma-separated to keep the table readable. */
function skill(
  name: string,
  category: SkillCategory,
  aliases: string[],
  ask: string,
  points: PointSpec[],
): Skill {
  return {
    name,
    category,
    aliases,
    ask,
    keyPoints: points.map(([point, keywords], index) => ({
      point,
      keywords: keywords.split(",").map((k) => k.trim().toLowerCase()).filter((k) => k !== ""),
      weight: index === 0 ? 1.5 : 1,
    })),
  };
}

/** All skills the offline engine knows, grouped by category. */
export const SKILL_CATALOG: readonly Skill[] = [
  // Languages
  skill(
    "Python",
    "language",
    ["python", "python3", "cpython"],
    "How do you keep a growing Python codebase maintainable, and how do you deal with performance hot spots in it?",
    [
      [
        "organises code into modules and packages with tests",
        "module, package, pytest, unit test, test suite, structure",
      ],
      [
        "adds type hints and static checks",
        "type hint, typing, mypy, pyright, annotation, type check, pydantic, dataclass",
      ],
      [
        "pins dependencies in isolated environments",
        "venv, virtualenv, poetry, pip, requirements, pyproject, uv, lock file, pinned",
      ],
      [
        "profiles before optimising and knows the GIL's limits",
        "profile, profiler, cprofile, gil, global interpreter lock, multiprocessing, asyncio, vectorize, numpy",
      ],
    ],
  ),
  skill(
    "JavaScript",
    "language",
    ["javascript", "js", "ecmascript", "es6"],
    "Explain how the JavaScript event loop works, and how you keep a page or process responsive while doing heavy work.",
    [
      [
        "explains the event loop, call stack and task queues",
        "event loop, call stack, task queue, microtask, macrotask, callback queue",
      ],
      [
        "uses promises and async/await with proper error handling",
        "promise, async, await, catch, try, error handling, reject",
      ],
      [
        "moves heavy work off the main thread",
        "web worker, worker thread, main thread, chunk, settimeout, requestidlecallback, offload",
      ],
      ["understands closures and scope", "closure, scope, hoisting, lexical"],
    ],
  ),
  skill(
    "TypeScript",
    "language",
    ["typescript"],
    "How do you use TypeScript's type system to prevent bugs at API boundaries, and where do you stop trusting the types?",
    [
      [
        "validates untrusted data at runtime at the boundaries",
        "runtime validation, validate, validation, zod, schema, type guard, unknown, parse",
      ],
      [
        "uses strict mode and avoids any",
        "strict, strict mode, noimplicitany, any type, avoid any, no any, strictnullchecks",
      ],
      [
        "models data with unions and narrowing",
        "union, discriminated, tagged union, literal type, narrowing, exhaustive, never",
      ],
      [
        "uses generics and utility types",
        "generic, partial, pick, omit, record, utility type, mapped type",
      ],
    ],
  ),
  skill(
    "Java",
    "language",
    ["java"],
    "How would you track down a memory leak or long GC pauses in a Java service?",
    [
      [
        "collects heap dumps and GC logs",
        "heap dump, gc log, garbage collection, garbage collector, jmap, jcmd, heap",
      ],
      [
        "analyses them with a profiler",
        "profiler, visualvm, jprofiler, async profiler, memory analyzer, eclipse mat, jfr, flight recorder",
      ],
      [
        "looks for retained references such as caches, listeners or static collections",
        "static, cache, listener, reference, retain, threadlocal, leak",
      ],
      [
        "tunes the collector and heap settings",
        "g1, zgc, shenandoah, xmx, heap size, tuning, jvm flag",
      ],
    ],
  ),
  skill(
    "Go",
    "language",
    ["golang", "~Go"],
    "How would you design a Go service that processes many jobs concurrently without leaking goroutines?",
    [
      [
        "uses goroutines with channels or a worker pool",
        "goroutine, channel, worker pool, waitgroup, errgroup, select",
      ],
      [
        "propagates cancellation with context",
        "context, cancel, cancellation, deadline, timeout, ctx",
      ],
      [
        "bounds concurrency and applies backpressure",
        "bounded, semaphore, buffered channel, backpressure, limit, rate limit",
      ],
      ["detects races and leaks with tooling", "race detector, race, pprof, goleak, mutex, sync"],
    ],
  ),
  skill(
    "Rust",
    "language",
    ["rust"],
    "Explain how Rust's ownership and borrowing rules prevent memory bugs, and how you work with the borrow checker in practice.",
    [
      ["explains ownership and moves", "ownership, owner, move, drop"],
      [
        "explains borrowing and lifetimes",
        "borrow, lifetime, reference, mutable reference, borrow checker",
      ],
      [
        "uses smart pointers when data must be shared",
        "rc, arc, refcell, mutex, box, smart pointer",
      ],
      [
        "handles errors with Result and Option",
        "result, option, error handling, unwrap, anyhow, thiserror",
      ],
    ],
  ),
  skill(
    "C",
    "language",
    ["~C", "ansi c", "c99", "c11"],
    "How do you prevent and find memory-safety bugs such as buffer overflows or use-after-free in C code?",
    [
      [
        "checks bounds and uses safe string functions",
        "bounds, buffer overflow, strncpy, snprintf, length check, size_t",
      ],
      [
        "manages allocation and ownership carefully",
        "malloc, free, ownership, use after free, double free, allocation, dangling",
      ],
      [
        "uses sanitizers and analysis tools",
        "valgrind, asan, addresssanitizer, sanitizer, static analysis, clang tidy, fuzz",
      ],
      [
        "turns on compiler warnings and tests the code",
        "wall, warning, werror, unit test, compiler flag",
      ],
    ],
  ),
  skill(
    "C++",
    "language",
    ["c++", "cpp"],
    "How do you manage resources and ownership in modern C++, and when would you use unique_ptr versus shared_ptr?",
    [
      ["applies RAII", "raii, destructor, scope, resource acquisition"],
      [
        "uses smart pointers to express ownership",
        "unique_ptr, shared_ptr, weak_ptr, smart pointer, ownership",
      ],
      [
        "uses move semantics to avoid copies",
        "move semantics, std move, rvalue, copy, move constructor",
      ],
      [
        "avoids undefined behaviour with tooling",
        "undefined behavior, undefined behaviour, sanitizer, asan, ubsan, valgrind",
      ],
    ],
  ),
  skill(
    "C#",
    "language",
    ["c#", "csharp"],
    "How do async and await work in C#, and which mistakes lead to deadlocks or thread-pool starvation?",
    [
      ["explains Task-based async/await", "task, async, await, state machine"],
      [
        "avoids blocking on async code",
        ".result, .wait, blocking, deadlock, configureawait, sync over async",
      ],
      ["passes cancellation tokens", "cancellationtoken, cancellation, cancel, timeout"],
      [
        "understands the thread pool and synchronization context",
        "thread pool, synchronization context, starvation, thread",
      ],
    ],
  ),
  skill(
    "Ruby",
    "language",
    ["ruby"],
    "How do you keep a large Ruby codebase maintainable, and how do you find performance problems in it?",
    [
      ["backs changes with tests", "rspec, minitest, test, spec"],
      [
        "keeps classes small with service objects and modules",
        "service object, module, mixin, concern, single responsibility, small class",
      ],
      [
        "profiles memory and allocations",
        "profile, stackprof, rack mini profiler, memory profiler, allocation, benchmark",
      ],
      ["uses linters and static checks", "rubocop, sorbet, linter, style guide"],
    ],
  ),
  skill(
    "PHP",
    "language",
    ["php"],
    "How do you write secure and maintainable PHP for a web application today?",
    [
      [
        "uses prepared statements against SQL injection",
        "prepared statement, pdo, parameterized, parameterised, sql injection",
      ],
      ["escapes output to prevent XSS", "escape, htmlspecialchars, xss, output encoding"],
      ["uses Composer, autoloading and PSR standards", "composer, psr, autoload, namespace"],
      [
        "uses strict types and static analysis",
        "strict_types, type declaration, phpstan, psalm, php 8",
      ],
    ],
  ),
  skill(
    "Kotlin",
    "language",
    ["kotlin"],
    "How do Kotlin coroutines differ from threads, and how do you structure concurrent code with them?",
    [
      [
        "explains suspending functions and lightweight coroutines",
        "coroutine, suspend, lightweight, non blocking",
      ],
      [
        "uses structured concurrency and scopes",
        "structured concurrency, scope, coroutinescope, supervisorjob, job, cancel",
      ],
      [
        "chooses dispatchers for the kind of work",
        "dispatcher, dispatchers io, main thread, default",
      ],
      ["uses flows for streams of values", "flow, stateflow, sharedflow, channel"],
    ],
  ),
  skill(
    "Swift",
    "language",
    ["=Swift"],
    "How do you manage memory and avoid retain cycles in Swift?",
    [
      [
        "explains automatic reference counting",
        "arc, automatic reference counting, reference count",
      ],
      [
        "breaks cycles with weak or unowned references",
        "weak, unowned, retain cycle, strong reference",
      ],
      ["uses capture lists in closures", "capture list, closure, weak self"],
      [
        "prefers value types where they fit and checks with Instruments",
        "struct, value type, class, instruments, memory graph",
      ],
    ],
  ),
  skill(
    "Scala",
    "language",
    ["scala"],
    "How do you use Scala's type system and immutability to build reliable services or data jobs?",
    [
      ["models data with immutable case classes", "immutable, immutability, case class, val"],
      ["uses pattern matching and sealed traits", "pattern matching, match, sealed trait, adt"],
      ["handles failure with Option, Either or Try", "option, either, try, error handling"],
      ["manages effects and concurrency explicitly", "future, cats effect, zio, effect, akka"],
    ],
  ),
  skill(
    "R",
    "language",
    ["~R", "rstudio", "tidyverse"],
    "How do you structure a reproducible analysis in R, from raw data to report?",
    [
      [
        "cleans and transforms data with the tidyverse",
        "tidyverse, dplyr, tidyr, mutate, filter, pipe",
      ],
      [
        "keeps the environment and scripts reproducible",
        "renv, project, script, reproducible, version control, git",
      ],
      ["visualises with ggplot2", "ggplot, ggplot2, plot, chart"],
      ["reports with R Markdown or Quarto", "rmarkdown, r markdown, quarto, knitr, report"],
      ["fits and checks statistical models", "lm, glm, model, regression, residual"],
    ],
  ),
  skill(
    "SQL",
    "language",
    ["sql", "pl/sql", "plsql"],
    "A SQL query joining several large tables has become slow. How do you make it faster?",
    [
      [
        "reads the execution plan",
        "explain, execution plan, query plan, explain analyze, full scan, table scan",
      ],
      ["adds indexes that match the filters and joins", "index, composite index, covering index"],
      [
        "rewrites the query to filter early and fetch less",
        "rewrite, subquery, select star, filter early, where clause, limit, pagination",
      ],
      [
        "keeps statistics fresh and checks the data volume",
        "statistics, analyze, cardinality, row count",
      ],
    ],
  ),
  skill(
    "Bash",
    "language",
    ["bash", "shell scripting", "shell script", "shell scripts", "zsh"],
    "What do you do to make a Bash script safe and reliable enough to run in production?",
    [
      ["fails fast with set -euo pipefail", "set e, pipefail, errexit, nounset, exit code"],
      ["quotes variables and handles spaces", "quote, quoting, double quotes, spaces"],
      ["cleans up and reports errors with trap", "trap, cleanup, error handling, exit"],
      ["lints with shellcheck and keeps it idempotent", "shellcheck, lint, idempotent, rerun"],
    ],
  ),
  skill(
    "Elixir",
    "language",
    ["elixir", "phoenix framework", "phoenix liveview"],
    "How do OTP supervisors help an Elixir system recover from failures?",
    [
      [
        "explains isolated lightweight processes",
        "process, lightweight, isolated, beam, message passing",
      ],
      [
        "uses supervisors and restart strategies",
        "supervisor, restart, one_for_one, strategy, supervision tree",
      ],
      [
        "follows the let-it-crash philosophy",
        "let it crash, crash, fault tolerance, fault tolerant",
      ],
      ["keeps state in GenServers", "genserver, state, call, cast"],
    ],
  ),
  skill(
    "Haskell",
    "language",
    ["haskell"],
    "How do you handle side effects and errors in Haskell code?",
    [
      ["separates pure code from IO", "pure, io, side effect, io monad"],
      ["uses Maybe and Either for errors", "maybe, either, error handling, exception"],
      [
        "uses type classes and monads to compose",
        "type class, monad, functor, applicative, compose",
      ],
      [
        "watches for laziness and space leaks",
        "lazy, laziness, space leak, strict, seq, bang pattern",
      ],
    ],
  ),

  // Front end
  skill(
    "React",
    "frontend",
    ["=React", "react.js", "reactjs"],
    "How do you find and fix unnecessary re-renders in a React application?",
    [
      [
        "measures with the React profiler first",
        "profiler, react devtools, devtools, measure, flamegraph",
      ],
      [
        "memoises with memo, useMemo and useCallback",
        "memo, usememo, usecallback, memoize, memoization",
      ],
      [
        "places state close to where it is used",
        "state, colocate, lift state, context, prop drilling",
      ],
      [
        "uses stable keys and virtualises long lists",
        "key, virtualization, virtualize, react window, windowing",
      ],
    ],
  ),
  skill(
    "Vue.js",
    "frontend",
    ["vue", "vue.js", "vuejs", "nuxt"],
    "How does Vue's reactivity system work, and how do you manage shared state in a larger Vue app?",
    [
      [
        "explains reactive refs and proxies",
        "reactive, ref, proxy, reactivity, dependency tracking",
      ],
      [
        "uses computed properties and watchers appropriately",
        "computed, watch, watcher, watcheffect",
      ],
      ["manages shared state with Pinia or Vuex", "pinia, vuex, store, shared state"],
      ["keeps components small with props and events", "props, emit, event, component, composable"],
    ],
  ),
  skill(
    "Angular",
    "frontend",
    ["angular", "angularjs"],
    "How do you manage change detection and data flow in a large Angular application?",
    [
      ["tunes change detection with OnPush", "change detection, onpush, zone, zonejs"],
      [
        "uses RxJS observables for async data",
        "rxjs, observable, subscribe, async pipe, unsubscribe",
      ],
      [
        "shares logic through services and dependency injection",
        "service, dependency injection, injectable, provider",
      ],
      [
        "lazy-loads feature modules",
        "lazy loading, lazy load, module, standalone component, route",
      ],
      ["uses signals for fine-grained reactivity", "signal, computed, effect"],
    ],
  ),
  skill(
    "Svelte",
    "frontend",
    ["svelte", "sveltekit"],
    "What makes Svelte different from virtual-DOM frameworks, and how do you manage state in a Svelte app?",
    [
      [
        "explains that Svelte compiles components away",
        "compiler, compile, no virtual dom, virtual dom",
      ],
      ["uses reactive statements or runes", "reactive, rune, state, derived"],
      ["shares state with stores", "store, writable, readable, subscribe"],
      [
        "uses SvelteKit load functions and server rendering",
        "sveltekit, load, ssr, server side rendering",
      ],
    ],
  ),
  skill(
    "Next.js",
    "frontend",
    ["next.js", "nextjs"],
    "When would you use server-side rendering, static generation or client rendering in Next.js, and why?",
    [
      [
        "uses server-side rendering for fresh, personalised pages",
        "server side rendering, ssr, getserversideprops, personalized, fresh",
      ],
      [
        "uses static generation or ISR for cacheable pages",
        "static generation, ssg, isr, incremental static, revalidate, getstaticprops",
      ],
      [
        "uses client rendering for interactive parts",
        "client side, client rendering, csr, use client, interactive",
      ],
      [
        "considers caching, SEO and server components",
        "cache, caching, seo, server component, app router",
      ],
    ],
  ),
  skill(
    "HTML",
    "frontend",
    ["html", "html5"],
    "How do you write semantic, accessible HTML, and why does it matter?",
    [
      [
        "uses semantic elements instead of generic divs",
        "semantic, header, nav, main, article, section, button",
      ],
      ["supports assistive technology", "accessibility, screen reader, aria, alt text, a11y"],
      ["labels form controls properly", "label, form, input, fieldset"],
      ["notes the SEO and maintainability benefits", "seo, search engine, maintainable, valid"],
    ],
  ),
  skill(
    "CSS",
    "frontend",
    ["css", "css3", "sass", "scss"],
    "How do you build a responsive layout in CSS and keep styles maintainable across a large app?",
    [
      ["lays out with flexbox and grid", "flexbox, flex, grid, layout"],
      [
        "adapts with media or container queries",
        "media query, responsive, breakpoint, container query, mobile first",
      ],
      [
        "scopes styles with a naming convention or modules",
        "bem, css modules, scoped, naming convention, styled components",
      ],
      ["centralises design tokens in variables", "custom property, variable, design token, theme"],
      ["keeps specificity low", "specificity, important, cascade"],
    ],
  ),
  skill(
    "Tailwind CSS",
    "frontend",
    ["tailwind", "tailwindcss", "tailwind css"],
    "What are the trade-offs of utility-first CSS with Tailwind, and how do you keep the styling consistent?",
    [
      [
        "explains utility classes and their trade-offs",
        "utility class, utility first, class list, readability, trade off",
      ],
      ["configures the theme as design tokens", "config, theme, design token, tailwind config"],
      ["extracts repeated patterns into components", "component, extract, apply, reuse"],
      ["keeps the CSS bundle small", "purge, unused, bundle size, jit"],
    ],
  ),
  skill(
    "Redux",
    "frontend",
    ["redux", "redux toolkit"],
    "When is Redux worth it, and how do you structure state and side effects with it?",
    [
      ["keeps global state in a single store", "store, global state, single source of truth"],
      ["writes pure reducers with immutable updates", "reducer, pure, immutable, slice"],
      [
        "dispatches actions and derives data with selectors",
        "action, dispatch, selector, reselect",
      ],
      [
        "handles side effects in middleware or RTK Query",
        "middleware, thunk, saga, rtk query, side effect",
      ],
    ],
  ),
  skill(
    "Webpack / Vite",
    "frontend",
    ["webpack", "vite", "esbuild", "rollup", "babel"],
    "How would you cut the bundle size and build time of a large front-end app?",
    [
      ["splits code and loads it lazily", "code splitting, lazy, dynamic import, chunk"],
      ["removes dead code with tree shaking", "tree shaking, dead code, side effects, es modules"],
      ["measures with a bundle analyzer", "bundle analyzer, analyze, source map explorer, measure"],
      ["caches builds and assets", "cache, content hash, persistent cache, long term caching"],
      ["minifies and compresses output", "minify, minification, compression, gzip, brotli"],
    ],
  ),
  skill(
    "Accessibility",
    "frontend",
    ["accessibility", "a11y", "wcag"],
    "How do you make sure a web feature is accessible, and how do you test it?",
    [
      ["works to WCAG criteria", "wcag, guideline, aa, success criteria"],
      ["uses semantic markup and ARIA correctly", "semantic, aria, role, label"],
      ["supports keyboard navigation and focus", "keyboard, focus, tab order, focus trap"],
      ["checks contrast and text alternatives", "contrast, color, alt text"],
      [
        "tests with screen readers and automated tools",
        "screen reader, voiceover, nvda, axe, lighthouse",
      ],
    ],
  ),
  skill(
    "Web performance",
    "frontend",
    ["web performance", "core web vitals", "lighthouse"],
    "A page loads slowly on mobile. How do you find out why and fix it?",
    [
      [
        "measures with real metrics such as LCP and INP",
        "lighthouse, web vitals, lcp, cls, inp, fid, measure, rum",
      ],
      ["ships less JavaScript", "code splitting, bundle, javascript, defer, lazy"],
      ["optimises images and fonts", "image, webp, avif, lazy loading, font, compression"],
      ["caches and serves from a CDN", "cache, cdn, http cache, service worker"],
      ["removes render-blocking resources", "render blocking, critical css, preload, async"],
    ],
  ),

  // Back end
  skill(
    "Node.js",
    "backend",
    ["node.js", "nodejs", "node js"],
    "How do you keep a Node.js service fast and stable under load?",
    [
      [
        "keeps the event loop unblocked",
        "event loop, non blocking, blocking, async, event loop lag",
      ],
      [
        "moves CPU-heavy work to worker threads or other services",
        "worker thread, cpu, offload, child process, queue",
      ],
      ["uses streams and backpressure for large data", "stream, backpressure, pipe, pipeline"],
      [
        "scales horizontally across processes",
        "cluster, horizontal, load balancer, pm2, instances",
      ],
      ["monitors memory and finds leaks", "memory leak, heap snapshot, heap, monitoring, clinic"],
    ],
  ),
  skill(
    "Express",
    "backend",
    ["express.js", "expressjs"],
    "How do you structure an Express application, including middleware, error handling and validation?",
    [
      ["composes behaviour with middleware", "middleware, next, app use"],
      [
        "centralises errors in error-handling middleware",
        "error handling, error handler, error middleware, next err",
      ],
      [
        "validates requests at the edge",
        "validation, validate, schema, joi, zod, express validator",
      ],
      ["splits routes into routers and layers", "router, route, controller, service layer"],
      ["adds security middleware and rate limits", "helmet, rate limit, cors, security"],
    ],
  ),
  skill(
    "NestJS",
    "backend",
    ["nestjs", "nest.js"],
    "How do NestJS modules, providers and dependency injection fit together, and how do you test them?",
    [
      ["organises features into modules", "module, feature module, imports, exports"],
      [
        "injects providers through dependency injection",
        "provider, dependency injection, injectable, constructor",
      ],
      [
        "uses guards, pipes and interceptors for cross-cutting concerns",
        "guard, pipe, interceptor, filter, validation",
      ],
      ["tests with the testing module and mocks", "test, testing module, mock, jest"],
    ],
  ),
  skill(
    "Deno",
    "backend",
    ["deno"],
    "What does Deno's permission model give you, and how do you structure and test a Deno project?",
    [
      [
        "explains explicit permissions",
        "permission, allow net, allow read, sandbox, secure by default",
      ],
      ["uses the built-in toolchain", "deno test, deno fmt, deno lint, deno check, built in"],
      [
        "manages dependencies with an import map and npm specifiers",
        "import map, deno json, npm, jsr, dependencies",
      ],
      [
        "relies on web-standard APIs and TypeScript",
        "web standard, fetch, typescript, request, response",
      ],
    ],
  ),
  skill(
    "Django",
    "backend",
    ["django"],
    "How do you avoid N+1 queries and keep a Django app fast?",
    [
      ["uses select_related and prefetch_related", "select_related, prefetch_related, n 1, eager"],
      [
        "measures queries with the debug toolbar or logging",
        "debug toolbar, query count, silk, logging, measure",
      ],
      ["adds indexes through migrations", "index, migration, db_index"],
      ["caches expensive views and querysets", "cache, caching, redis, memcached"],
      ["uses the ORM efficiently", "queryset, orm, values_list, defer, bulk_create, iterator"],
    ],
  ),
  skill(
    "Flask",
    "backend",
    ["flask"],
    "How do you structure a Flask application that has outgrown a single file?",
    [
      ["splits the app into blueprints", "blueprint, module, package"],
      ["uses the application factory pattern", "application factory, create_app, factory"],
      ["separates configuration per environment", "config, environment, env var, settings"],
      ["tests with the test client and fixtures", "test client, pytest, fixture, test"],
    ],
  ),
  skill(
    "FastAPI",
    "backend",
    ["fastapi"],
    "How do you build a robust API with FastAPI, covering validation, dependencies and async code?",
    [
      [
        "validates input and output with Pydantic models",
        "pydantic, model, validation, schema, response model",
      ],
      [
        "shares resources with dependency injection",
        "depends, dependency injection, dependency, session",
      ],
      [
        "does not block the event loop in async endpoints",
        "async, await, blocking, threadpool, event loop",
      ],
      ["relies on the generated OpenAPI docs", "openapi, swagger, docs"],
      [
        "returns consistent errors",
        "httpexception, error handling, exception handler, status code",
      ],
    ],
  ),
  skill(
    "Spring Boot",
    "backend",
    ["spring boot", "spring framework", "spring mvc", "spring cloud", "spring data"],
    "How does dependency injection work in Spring Boot, and how do you configure an application for different environments?",
    [
      [
        "explains beans and constructor injection",
        "bean, dependency injection, autowired, constructor injection, component",
      ],
      [
        "uses profiles and externalised configuration",
        "profile, application yml, application properties, configuration, environment",
      ],
      ["relies on auto-configuration and starters", "auto configuration, starter, conditional"],
      ["manages transactions declaratively", "transactional, transaction, rollback"],
      ["exposes health and metrics with Actuator", "actuator, health, metrics, micrometer"],
    ],
  ),
  skill(
    "Ruby on Rails",
    "backend",
    ["ruby on rails", "=Rails", "ror"],
    "How do you keep a Rails app's database access efficient as the data grows?",
    [
      ["avoids N+1 queries with eager loading", "n 1, includes, eager loading, preload, bullet"],
      ["adds indexes through migrations", "index, migration"],
      ["moves slow work to background jobs", "background job, sidekiq, active job, queue"],
      ["caches fragments and queries", "cache, caching, fragment cache, russian doll"],
      ["uses ActiveRecord efficiently", "activerecord, active record, find_each, pluck, batch"],
    ],
  ),
  skill(
    "Laravel",
    "backend",
    ["laravel"],
    "How do you keep a Laravel application fast and maintainable as it grows?",
    [
      ["uses Eloquent with eager loading", "eloquent, eager loading, n 1, load"],
      ["offloads slow work to queues", "queue, job, horizon, worker"],
      ["manages the schema with migrations", "migration, schema, seeder"],
      ["uses middleware and form requests for validation", "middleware, form request, validation"],
      ["tests with feature and unit tests", "phpunit, pest, feature test, test"],
    ],
  ),
  skill(
    ".NET",
    "backend",
    [".net", "dotnet", "asp.net", "asp.net core", ".net core"],
    "How do you structure an ASP.NET Core service, including dependency injection, configuration and middleware?",
    [
      [
        "registers services with the right lifetime",
        "dependency injection, addscoped, addsingleton, addtransient, lifetime, scoped, singleton",
      ],
      ["builds the middleware pipeline in order", "middleware, pipeline, ordering, usemiddleware"],
      [
        "binds configuration with the options pattern",
        "configuration, appsettings, options pattern, ioptions, environment",
      ],
      [
        "accesses data with Entity Framework carefully",
        "entity framework, ef core, dbcontext, migration, linq",
      ],
      ["adds logging and health checks", "logging, ilogger, health check, serilog"],
    ],
  ),
  skill(
    "GraphQL",
    "backend",
    ["graphql", "apollo"],
    "How do you prevent N+1 queries and abusive queries in a GraphQL API?",
    [
      ["batches loads with DataLoader", "dataloader, batch, batching, n 1"],
      ["limits query depth and complexity", "depth limit, complexity, cost analysis, query depth"],
      ["uses persisted queries or allow-lists", "persisted query, allow list, whitelist"],
      ["designs the schema around client needs", "schema, type, resolver, nullable, pagination"],
      ["caches responses and entities", "cache, caching, apollo cache"],
    ],
  ),
  skill(
    "REST APIs",
    "backend",
    ["rest api", "rest apis", "restful", "restful api", "=REST"],
    "How do you design a REST API so it is easy to use and can evolve without breaking clients?",
    [
      [
        "models resources with the right HTTP methods",
        "resource, noun, post, put, patch, delete, http method, http verb",
      ],
      [
        "returns meaningful status codes and errors",
        "status code, 404, 400, 201, error format, problem details",
      ],
      [
        "versions the API and keeps changes backward compatible",
        "versioning, version, backward compatible, backwards compatible, deprecat",
      ],
      ["paginates and filters collections", "pagination, paginate, cursor, filter, limit"],
      [
        "documents it and makes writes idempotent",
        "openapi, swagger, documentation, idempotent, idempotency",
      ],
    ],
  ),
  skill(
    "gRPC",
    "backend",
    ["grpc", "protobuf", "protocol buffers"],
    "When would you choose gRPC over REST, and how do you evolve protobuf contracts safely?",
    [
      [
        "evolves protobuf schemas without breaking clients",
        "protobuf, field number, backward compatible, reserved, schema",
      ],
      ["uses streaming where it helps", "streaming, bidirectional, server streaming"],
      ["sets deadlines and handles status codes", "deadline, timeout, status code, retry"],
      [
        "explains HTTP/2 and generated clients",
        "http 2, http2, code generation, generated client, stub",
      ],
    ],
  ),
  skill(
    "WebSockets",
    "backend",
    ["websocket", "websockets", "socket.io"],
    "How would you scale a WebSocket-based real-time feature to many concurrent users?",
    [
      ["manages connections with heartbeats", "heartbeat, ping, pong, connection, idle"],
      [
        "fans messages out across instances with pub/sub",
        "pub sub, pubsub, redis, broadcast, fan out",
      ],
      ["balances load with sticky sessions or a gateway", "sticky session, load balancer, gateway"],
      ["handles reconnection with backoff", "reconnect, reconnection, backoff, resume"],
      ["authenticates connections", "authentication, auth, token, authorize"],
    ],
  ),

  // Databases
  skill(
    "PostgreSQL",
    "database",
    ["postgresql", "postgres", "psql"],
    "How would you find and fix a slow query in PostgreSQL?",
    [
      [
        "reads the plan with EXPLAIN ANALYZE",
        "explain, explain analyze, query plan, execution plan, seq scan, sequential scan",
      ],
      [
        "adds or adjusts indexes for the access pattern",
        "index, b tree, btree, composite index, partial index, gin",
      ],
      [
        "finds the worst queries with pg_stat_statements",
        "pg_stat_statements, slow query log, log_min_duration_statement",
      ],
      [
        "keeps statistics fresh and bloat under control",
        "vacuum, analyze, statistics, bloat, autovacuum",
      ],
      [
        "rewrites the query or pools connections",
        "rewrite, pgbouncer, connection pool, pooling, join",
      ],
    ],
  ),
  skill(
    "MySQL",
    "database",
    ["mysql", "mariadb"],
    "How do you scale reads and keep data safe in MySQL?",
    [
      ["scales reads with replicas", "replica, replication, read replica, binlog"],
      ["indexes for the queries and checks EXPLAIN", "index, explain, slow query log"],
      [
        "understands InnoDB transactions and isolation",
        "innodb, transaction, isolation level, lock",
      ],
      [
        "takes tested backups with point-in-time recovery",
        "backup, point in time, restore, mysqldump, xtrabackup",
      ],
      ["partitions or shards when needed", "partition, sharding, shard"],
    ],
  ),
  skill(
    "SQLite",
    "database",
    ["sqlite"],
    "When is SQLite a good fit for production, and what are its limits?",
    [
      ["explains the embedded single-file model", "embedded, single file, serverless, in process"],
      [
        "handles write concurrency with WAL mode",
        "wal, write ahead log, concurrency, write lock, busy timeout",
      ],
      ["plans backups", "backup, litestream, vacuum into, replicate"],
      [
        "knows when to move to a server database",
        "limit, scale, multiple servers, postgres, migrate",
      ],
    ],
  ),
  skill(
    "MongoDB",
    "database",
    ["mongodb", "mongo"],
    "How do you design a MongoDB schema, and when do you embed documents versus reference them?",
    [
      ["designs around access patterns", "access pattern, query pattern, read, workload"],
      [
        "embeds or references based on relationships",
        "embed, reference, denormalize, relationship, one to many",
      ],
      ["indexes the common queries", "index, compound index, explain"],
      ["avoids unbounded arrays and huge documents", "unbounded, array, document size, 16mb"],
      ["uses transactions and aggregation where needed", "transaction, aggregation, pipeline"],
    ],
  ),
  skill(
    "Redis",
    "database",
    ["redis"],
    "How would you use Redis as a cache, and how do you handle invalidation and eviction?",
    [
      ["uses cache-aside with TTLs", "cache aside, ttl, expire, expiry, lazy loading"],
      [
        "invalidates or updates entries on writes",
        "invalidate, invalidation, write through, delete key",
      ],
      ["configures memory limits and eviction", "eviction, lru, lfu, maxmemory"],
      ["chooses persistence settings", "persistence, rdb, aof, snapshot"],
      ["uses the right data structures", "hash, sorted set, list, pub sub, lock, data structure"],
    ],
  ),
  skill(
    "Elasticsearch",
    "database",
    ["elasticsearch", "opensearch", "elastic search"],
    "How do you design an Elasticsearch index for fast and relevant search?",
    [
      [
        "defines explicit mappings and analyzers",
        "mapping, analyzer, tokenizer, keyword, text field",
      ],
      [
        "explains the inverted index and relevance scoring",
        "inverted index, relevance, bm25, score, boost",
      ],
      ["sizes shards and replicas", "shard, replica, cluster"],
      ["writes efficient bool and filter queries", "bool query, filter, match, term, query dsl"],
      ["reindexes with aliases for zero downtime", "reindex, alias, zero downtime"],
    ],
  ),
  skill(
    "Cassandra",
    "database",
    ["cassandra", "scylladb"],
    "How do you model data in Cassandra, and how do you choose consistency levels?",
    [
      [
        "designs tables per query with the right partition key",
        "partition key, query first, table per query, clustering key",
      ],
      ["chooses consistency levels such as QUORUM", "consistency level, quorum, local_quorum, one"],
      ["sets replication per data centre", "replication factor, data center, datacenter"],
      [
        "avoids tombstones and large partitions",
        "tombstone, compaction, large partition, hot partition",
      ],
    ],
  ),
  skill(
    "DynamoDB",
    "database",
    ["dynamodb", "dynamo db"],
    "How do you design a DynamoDB table for an application's access patterns?",
    [
      [
        "chooses partition and sort keys from access patterns",
        "partition key, sort key, access pattern",
      ],
      ["considers single-table design", "single table, composite key, overloading"],
      ["adds global secondary indexes", "gsi, global secondary index, lsi, secondary index"],
      [
        "plans capacity and avoids hot partitions",
        "capacity, on demand, provisioned, throttling, hot partition",
      ],
      [
        "uses conditional writes and transactions",
        "conditional write, condition expression, transaction, optimistic locking",
      ],
    ],
  ),
  skill(
    "SQL Server",
    "database",
    ["sql server", "mssql", "t-sql", "tsql"],
    "How do you troubleshoot a slow or blocking workload on SQL Server?",
    [
      ["reads execution plans", "execution plan, query plan, query store"],
      ["adds and maintains indexes", "index, missing index, fragmentation, rebuild"],
      [
        "investigates locking and isolation levels",
        "lock, blocking, deadlock, isolation level, snapshot isolation",
      ],
      ["keeps statistics up to date", "statistics, update statistics, parameter sniffing"],
    ],
  ),
  skill(
    "Oracle Database",
    "database",
    ["oracle database", "oracle db", "oracle sql"],
    "How do you diagnose and tune a slow Oracle database workload?",
    [
      ["uses AWR reports and wait events", "awr, wait event, ash, addm"],
      ["reads execution plans", "execution plan, explain plan, dbms_xplan"],
      ["manages indexes and statistics", "index, statistics, dbms_stats"],
      ["uses bind variables and partitioning", "bind variable, partition, partitioning"],
    ],
  ),
  skill(
    "NoSQL",
    "database",
    ["nosql"],
    "When would you choose a NoSQL database over a relational one, and what do you give up?",
    [
      ["starts from access patterns and scale", "access pattern, scale, throughput, horizontal"],
      ["weighs consistency trade-offs", "consistency, eventual consistency, cap, trade off"],
      ["values flexible schemas and notes their costs", "schema, schemaless, flexible, document"],
      ["notes weaker joins and transactions", "join, transaction, relational, acid"],
    ],
  ),
  skill(
    "Snowflake",
    "database",
    ["snowflake"],
    "How do you keep Snowflake queries fast and costs under control?",
    [
      ["sizes and suspends virtual warehouses", "warehouse, auto suspend, size, multi cluster"],
      ["uses clustering and micro-partition pruning", "clustering key, micro partition, pruning"],
      ["monitors credits and query history", "credit, cost, query history, resource monitor"],
      ["loads data with stages and Snowpipe", "stage, copy into, snowpipe"],
    ],
  ),
  skill(
    "BigQuery",
    "database",
    ["bigquery", "big query"],
    "How do you keep BigQuery queries fast and cheap?",
    [
      ["partitions and clusters tables", "partition, partitioned, cluster, clustering"],
      ["reads only the needed columns", "select star, column, bytes scanned, bytes processed"],
      ["uses materialised views and caching", "materialized view, cache, cached results"],
      ["monitors cost and slots", "cost, slot, reservation, dry run"],
    ],
  ),
  skill(
    "Database design",
    "database",
    [
      "database design",
      "data modeling",
      "data modelling",
      "schema design",
      "normalization",
      "normalisation",
    ],
    "How do you design a relational schema for a new feature, and when do you denormalise?",
    [
      [
        "normalises to avoid anomalies",
        "normalize, normalise, normal form, 3nf, anomaly, duplication",
      ],
      [
        "enforces integrity with keys and constraints",
        "primary key, foreign key, constraint, unique, not null",
      ],
      ["indexes for the expected queries", "index, query pattern, access pattern"],
      [
        "denormalises deliberately for read performance",
        "denormalize, denormalise, read performance, materialized view",
      ],
      ["evolves the schema with migrations", "migration, backward compatible, expand and contract"],
    ],
  ),

  // Messaging
  skill(
    "Kafka",
    "messaging",
    ["kafka", "apache kafka"],
    "How do you make a Kafka consumer process each message reliably, without losing or double-processing data?",
    [
      ["uses consumer groups and partitions", "consumer group, partition, rebalance"],
      ["commits offsets only after processing", "offset, commit, auto commit, manual commit"],
      ["makes processing idempotent", "idempotent, idempotency, deduplicate, exactly once, dedupe"],
      [
        "retries and routes poison messages to a dead-letter topic",
        "retry, dead letter, dlq, poison",
      ],
      ["keeps ordering by keying messages", "ordering, order, key, partition key"],
    ],
  ),
  skill(
    "RabbitMQ",
    "messaging",
    ["rabbitmq", "amqp"],
    "How do you make message processing with RabbitMQ reliable?",
    [
      ["acknowledges messages after processing", "ack, acknowledge, nack, manual ack"],
      ["routes failures to dead-letter queues", "dead letter, dlq, dlx, retry"],
      ["designs exchanges and routing keys", "exchange, routing key, topic, fanout, direct"],
      ["uses durable queues and persistent messages", "durable, persistent, quorum queue"],
      ["limits in-flight work with prefetch", "prefetch, qos, backpressure"],
    ],
  ),
  skill(
    "Message queues",
    "messaging",
    ["message queue", "message queues", "sqs", "pub/sub", "message broker"],
    "What do you need to get right when services communicate through a message queue?",
    [
      [
        "expects at-least-once delivery and makes consumers idempotent",
        "at least once, idempotent, idempotency, duplicate",
      ],
      ["handles failures with retries and dead-letter queues", "retry, dead letter, dlq, backoff"],
      [
        "understands visibility timeouts and acknowledgements",
        "visibility timeout, ack, acknowledge",
      ],
      ["thinks about ordering", "ordering, fifo, order"],
      ["uses queues to decouple and absorb spikes", "decouple, asynchronous, async, spike, buffer"],
    ],
  ),
  skill(
    "Event-driven architecture",
    "architecture",
    ["event-driven", "event driven", "event sourcing", "cqrs"],
    "What are the benefits and pitfalls of an event-driven architecture?",
    [
      [
        "decouples producers and consumers through events",
        "event, producer, consumer, decouple, publish, subscribe",
      ],
      [
        "accepts and handles eventual consistency",
        "eventual consistency, eventually consistent, consistency",
      ],
      ["makes consumers idempotent", "idempotent, idempotency, duplicate"],
      ["versions event schemas", "schema, versioning, schema registry, backward compatible"],
      ["publishes reliably with the outbox pattern", "outbox, transactional outbox, dual write"],
    ],
  ),

  // Cloud
  skill(
    "AWS",
    "cloud",
    ["aws", "amazon web services"],
    "How would you design a highly available web application on AWS, and how would you keep its cost under control?",
    [
      [
        "spreads across availability zones behind a load balancer",
        "availability zone, multi az, load balancer, alb, elb",
      ],
      ["scales automatically", "auto scaling, autoscaling, scaling group, ecs, eks"],
      ["uses managed services for state", "rds, s3, dynamodb, managed, aurora"],
      [
        "secures it with IAM least privilege and private networking",
        "iam, least privilege, security group, vpc, private subnet",
      ],
      [
        "monitors and optimises cost",
        "cost, budget, reserved instance, savings plan, spot, cost explorer",
      ],
    ],
  ),
  skill(
    "Google Cloud",
    "cloud",
    ["gcp", "google cloud", "google cloud platform"],
    "How would you run a production service on Google Cloud, and which services would you pick?",
    [
      ["chooses compute such as Cloud Run or GKE", "cloud run, gke, compute engine, app engine"],
      ["secures access with IAM and service accounts", "iam, service account, least privilege"],
      ["stores data in managed services", "cloud sql, bigquery, cloud storage, firestore, spanner"],
      ["spreads across zones and regions", "region, zone, multi region, availability"],
      ["keeps an eye on cost", "cost, budget, committed use"],
    ],
  ),
  skill(
    "Azure",
    "cloud",
    ["azure", "microsoft azure"],
    "How would you run a production service on Azure, and how do you manage access and deployments?",
    [
      [
        "chooses compute such as App Service, AKS or Functions",
        "app service, aks, functions, container apps, virtual machine",
      ],
      ["manages identity with Entra ID and RBAC", "azure ad, entra, rbac, managed identity, role"],
      [
        "designs for availability across zones and regions",
        "availability zone, region, paired region, availability",
      ],
      [
        "deploys with infrastructure as code and pipelines",
        "arm, bicep, terraform, azure devops, pipeline",
      ],
      ["monitors cost and health", "cost, budget, azure monitor, application insights"],
    ],
  ),
  skill(
    "Serverless",
    "cloud",
    ["serverless", "aws lambda", "cloud functions", "azure functions"],
    "What are the trade-offs of building on serverless functions, and how do you deal with cold starts and limits?",
    [
      ["mitigates cold starts", "cold start, provisioned concurrency, warm, package size"],
      ["keeps functions stateless with external state", "stateless, state, database, external"],
      ["respects timeouts, limits and concurrency", "timeout, limit, concurrency, throttle"],
      ["weighs pay-per-use cost against steady load", "cost, pay per use, invocation, steady"],
      ["adds tracing and structured logs", "tracing, x ray, logging, observability"],
    ],
  ),
  skill(
    "Cloud IAM",
    "security",
    ["=IAM", "identity and access management", "least privilege"],
    "How do you design cloud access permissions so that a leaked credential does limited damage?",
    [
      ["grants least privilege per role", "least privilege, minimal, scoped, policy"],
      [
        "prefers short-lived credentials and roles over keys",
        "short lived, role, assume role, temporary credential, workload identity",
      ],
      ["separates environments and accounts", "separate account, environment, boundary"],
      ["audits and reviews access regularly", "audit, cloudtrail, review, log"],
      ["enforces MFA for humans", "mfa, multi factor, 2fa"],
    ],
  ),

  // DevOps
  skill(
    "Docker",
    "devops",
    ["docker", "dockerfile", "containerization", "containerisation"],
    "How do you build small, secure and fast-building Docker images?",
    [
      ["uses multi-stage builds", "multi stage, build stage, builder"],
      ["starts from a small base image", "alpine, distroless, slim, base image, small image"],
      ["orders layers for caching and uses .dockerignore", "layer, cache, dockerignore, order"],
      [
        "runs as non-root and scans for vulnerabilities",
        "non root, user, scan, vulnerability, trivy",
      ],
      ["pins versions for reproducible builds", "pin, tag, digest, version, reproducible"],
    ],
  ),
  skill(
    "Kubernetes",
    "devops",
    ["kubernetes", "k8s", "kubectl"],
    "How would you roll out a new version of a service on Kubernetes without downtime?",
    [
      [
        "uses a rolling update Deployment with surge settings",
        "rolling update, deployment, maxsurge, maxunavailable, rollout",
      ],
      [
        "gates traffic with readiness probes",
        "readiness probe, readiness, liveness, health check, probe",
      ],
      ["can roll back quickly", "rollback, roll back, rollout undo, revision"],
      [
        "shuts down gracefully and protects capacity",
        "graceful shutdown, sigterm, prestop, poddisruptionbudget, pod disruption budget",
      ],
      [
        "considers canary or blue-green releases",
        "canary, blue green, traffic split, argo rollouts",
      ],
    ],
  ),
  skill(
    "Helm",
    "devops",
    ["=Helm", "helm chart", "helm charts"],
    "How do you structure Helm charts so the same service deploys cleanly to several environments?",
    [
      ["templates manifests in a chart", "chart, template, manifest"],
      ["keeps per-environment values files", "values, values file, environment, override"],
      ["manages releases and rollbacks", "release, rollback, upgrade, history"],
      ["versions and tests charts", "version, semver, helm test, lint"],
    ],
  ),
  skill(
    "Terraform",
    "devops",
    ["terraform", "infrastructure as code", "opentofu"],
    "How do you manage Terraform state and changes safely in a team?",
    [
      ["stores state remotely", "remote state, backend, s3, state file"],
      ["locks state to prevent concurrent changes", "lock, locking, dynamodb, state lock"],
      ["reuses modules", "module, reusable"],
      ["reviews plans in CI before applying", "plan, apply, review, pull request, ci, atlantis"],
      ["separates environments and detects drift", "workspace, environment, drift"],
    ],
  ),
  skill(
    "Ansible",
    "devops",
    ["ansible"],
    "How do you write Ansible automation that is safe to run repeatedly?",
    [
      ["writes idempotent tasks", "idempotent, idempotency, rerun, changed"],
      ["organises playbooks into roles", "playbook, role, galaxy"],
      ["manages inventory and variables", "inventory, group vars, host vars, variable"],
      ["keeps secrets in Ansible Vault", "vault, secret, encrypt"],
      ["tests with check mode or Molecule", "check mode, dry run, molecule, test"],
    ],
  ),
  skill(
    "CI/CD",
    "devops",
    ["ci/cd", "continuous integration", "continuous delivery", "continuous deployment"],
    "What does a good CI/CD pipeline look like for a service you own, from commit to production?",
    [
      [
        "runs automated tests and checks on every change",
        "automated test, test, lint, every commit, pull request, check",
      ],
      [
        "builds one immutable artifact and promotes it",
        "artifact, immutable, build once, image, promote",
      ],
      [
        "deploys in stages with staging or canaries",
        "staging, canary, stage, environment, progressive",
      ],
      [
        "rolls back quickly or hides work behind feature flags",
        "rollback, roll back, feature flag, toggle",
      ],
      [
        "keeps feedback fast with caching and parallelism",
        "fast, cache, caching, parallel, minutes",
      ],
    ],
  ),
  skill(
    "Jenkins",
    "devops",
    ["jenkins", "jenkinsfile"],
    "How do you keep Jenkins pipelines maintainable and secure?",
    [
      ["defines pipelines as code in a Jenkinsfile", "jenkinsfile, pipeline as code, declarative"],
      ["shares logic through shared libraries", "shared library, reuse"],
      ["runs builds on ephemeral agents", "agent, ephemeral, node, docker agent"],
      ["manages credentials and plugins carefully", "credential, secret, plugin, update"],
    ],
  ),
  skill(
    "GitHub Actions",
    "devops",
    ["github actions"],
    "How do you build fast and secure workflows in GitHub Actions?",
    [
      ["triggers workflows on the right events", "workflow, trigger, on push, pull request, yaml"],
      ["caches dependencies", "cache, caching, actions cache"],
      [
        "limits permissions and uses OIDC for cloud access",
        "permissions, secret, oidc, least privilege, token",
      ],
      ["uses matrices and reusable workflows", "matrix, reusable workflow, composite action"],
      ["pins third-party actions", "pin, sha, third party"],
    ],
  ),
  skill(
    "GitLab CI",
    "devops",
    ["gitlab ci", "gitlab-ci", "gitlab"],
    "How do you structure a GitLab CI pipeline for a service?",
    [
      ["organises jobs into stages", "stage, job, pipeline, needs"],
      ["runs on suitable runners", "runner, docker executor, tag"],
      ["caches dependencies and passes artifacts", "cache, artifact"],
      ["deploys through environments with approvals", "environment, manual, approval, deploy"],
    ],
  ),
  skill(
    "Git",
    "devops",
    ["git"],
    "How do you use Git in a team: branching strategy, keeping history clean and recovering from mistakes?",
    [
      ["follows a clear branching strategy", "branch, trunk based, feature branch, gitflow, main"],
      ["reviews changes through pull requests", "pull request, merge request, code review, review"],
      ["chooses between rebase, merge and squash", "rebase, merge, squash, history"],
      ["recovers with revert and reflog", "revert, reflog, reset, cherry pick, recover"],
      ["writes small commits with clear messages", "small commit, commit message, atomic"],
    ],
  ),
  skill(
    "Linux",
    "devops",
    ["linux", "unix", "ubuntu", "debian", "centos", "rhel"],
    "A Linux server is slow. Which commands do you reach for first, and what are you looking for?",
    [
      ["checks CPU and load", "top, htop, load average, cpu, uptime"],
      ["checks memory, swap and the OOM killer", "free, memory, swap, oom, vmstat"],
      ["checks disk space and I/O", "df, iostat, disk, io, i/o, iotop, du"],
      ["checks network connections", "ss, netstat, tcpdump, network, connections"],
      ["reads system and service logs", "journalctl, dmesg, log, syslog"],
    ],
  ),
  skill(
    "Nginx",
    "devops",
    ["nginx"],
    "How do you configure Nginx as a reverse proxy in front of an application?",
    [
      [
        "proxies and load-balances to upstreams",
        "reverse proxy, proxy_pass, upstream, load balancing",
      ],
      ["terminates TLS", "tls, ssl, certificate, https, lets encrypt"],
      ["enables caching and compression", "cache, gzip, compression, static files"],
      ["sets timeouts and limits", "timeout, rate limit, client_max_body_size, buffer"],
      ["tests config and reloads safely", "nginx t, reload, test config"],
    ],
  ),
  skill(
    "Observability",
    "devops",
    [
      "observability",
      "monitoring",
      "prometheus",
      "grafana",
      "datadog",
      "opentelemetry",
      "new relic",
      "splunk",
    ],
    "How would you set up monitoring and alerting for a new production service?",
    [
      [
        "tracks the golden signals as metrics",
        "metric, latency, error rate, traffic, saturation, golden signal, red method, use method",
      ],
      [
        "writes structured, correlated logs",
        "structured log, log, json, correlation id, request id",
      ],
      ["adds distributed tracing", "tracing, trace, span, opentelemetry"],
      ["alerts on symptoms and SLOs with runbooks", "alert, slo, sli, runbook, page, on call"],
      ["builds dashboards that answer questions", "dashboard, grafana, panel"],
    ],
  ),
  skill(
    "Incident management",
    "devops",
    ["=SRE", "site reliability", "incident management", "incident response", "on-call", "on call"],
    "Walk me through how you handle a production incident, from the first alert to the post-mortem.",
    [
      ["triages impact and severity first", "triage, impact, severity, customers affected"],
      [
        "mitigates before fixing the root cause",
        "mitigate, mitigation, rollback, roll back, failover, restore",
      ],
      [
        "communicates status regularly",
        "communicate, status update, status page, incident channel, stakeholders",
      ],
      ["finds the root cause", "root cause, five whys, investigate, timeline"],
      [
        "runs a blameless post-mortem with follow-up actions",
        "postmortem, post mortem, blameless, action item, follow up",
      ],
    ],
  ),
  skill(
    "Networking",
    "devops",
    ["networking", "tcp/ip", "dns", "tcp"],
    "What happens, step by step, when a browser requests https://example.com?",
    [
      ["resolves the name through DNS", "dns, resolver, lookup, ip address, a record"],
      ["opens a TCP connection", "tcp, handshake, syn, ack, port"],
      ["negotiates TLS and checks the certificate", "tls, ssl, certificate, handshake, encryption"],
      [
        "sends the HTTP request and receives the response",
        "http, request, response, header, status code",
      ],
      ["mentions caches, CDNs and load balancers on the way", "cache, cdn, load balancer, proxy"],
    ],
  ),

  // Data and ML
  skill(
    "Machine learning",
    "data",
    ["machine learning", "=ML", "artificial intelligence"],
    "How do you take a machine learning model from a notebook to production and know it keeps working?",
    [
      [
        "validates with proper train, validation and test splits",
        "train, validation, test set, split, cross validation, holdout",
      ],
      [
        "picks metrics that match the goal and compares to a baseline",
        "metric, baseline, precision, recall, auc, f1, accuracy, rmse",
      ],
      [
        "builds a reproducible feature and training pipeline",
        "pipeline, reproducible, feature, version, feature store",
      ],
      ["deploys and monitors for drift", "deploy, serving, monitor, drift, retrain"],
      ["guards against overfitting and leakage", "overfitting, overfit, regularization, leakage"],
    ],
  ),
  skill(
    "Deep learning",
    "data",
    ["deep learning", "neural network", "neural networks"],
    "How do you get a deep learning model to train well and generalise?",
    [
      ["chooses an architecture suited to the data", "architecture, layer, cnn, transformer, rnn"],
      [
        "fights overfitting with regularisation and augmentation",
        "overfitting, dropout, regularization, augmentation, early stopping",
      ],
      ["tunes the optimiser and learning rate", "learning rate, optimizer, adam, scheduler, sgd"],
      [
        "uses transfer learning where possible",
        "transfer learning, pretrained, fine tune, fine tuning",
      ],
      ["uses GPUs and batch sizes efficiently", "gpu, batch size, mixed precision, memory"],
    ],
  ),
  skill(
    "PyTorch",
    "data",
    ["pytorch"],
    "Walk me through writing a training loop in PyTorch and the mistakes people commonly make in it.",
    [
      ["uses tensors and autograd", "tensor, autograd, backward, gradient"],
      ["loads data with Dataset and DataLoader", "dataset, dataloader, batch, shuffle"],
      ["steps the optimiser and zeroes gradients", "optimizer, zero_grad, step, loss"],
      [
        "switches eval mode and disables gradients for evaluation",
        "eval, no_grad, inference mode, train mode",
      ],
      ["moves work to the GPU efficiently", "gpu, cuda, device, mixed precision, amp"],
    ],
  ),
  skill(
    "TensorFlow",
    "data",
    ["tensorflow", "keras"],
    "How do you build, train and serve a model with TensorFlow?",
    [
      ["builds models with the Keras API", "keras, sequential, functional api, layer, model"],
      ["feeds data with tf.data pipelines", "tf data, dataset, prefetch, batch"],
      ["trains with callbacks and checkpoints", "callback, checkpoint, early stopping, fit"],
      ["exports a SavedModel for serving", "savedmodel, saved model, serving, tf serving, tflite"],
    ],
  ),
  skill(
    "scikit-learn",
    "data",
    ["scikit-learn", "sklearn", "scikit learn"],
    "How do you build a reliable model with scikit-learn without leaking information from the test set?",
    [
      ["wraps preprocessing and model in a Pipeline", "pipeline, columntransformer, transformer"],
      ["tunes with cross-validation", "cross validation, gridsearchcv, randomizedsearchcv, fold"],
      [
        "scales and encodes features correctly",
        "scaling, standardscaler, one hot, encoding, imputer",
      ],
      ["avoids data leakage", "leakage, leak, fit on train, test set"],
      ["evaluates with suitable metrics", "metric, precision, recall, roc, confusion matrix"],
    ],
  ),
  skill(
    "pandas",
    "data",
    ["pandas"],
    "How do you keep pandas code fast and correct on large datasets?",
    [
      [
        "uses vectorised operations instead of loops or apply",
        "vectorized, vectorised, vectorize, apply, loop, iterrows",
      ],
      ["groups and joins correctly", "groupby, merge, join, aggregate"],
      ["chooses dtypes to save memory", "dtype, category, memory, downcast"],
      ["handles missing values deliberately", "missing, nan, fillna, dropna, null"],
      [
        "processes big files in chunks or moves to other tools",
        "chunk, chunksize, polars, dask, spark, parquet",
      ],
    ],
  ),
  skill(
    "NumPy",
    "data",
    ["numpy"],
    "How do you write fast numerical code with NumPy?",
    [
      [
        "vectorises and broadcasts instead of looping",
        "vectorize, vectorise, broadcasting, broadcast, loop",
      ],
      ["chooses dtypes carefully", "dtype, float32, int64, precision"],
      ["knows views versus copies", "view, copy, slice, in place"],
      ["thinks about memory layout", "memory layout, contiguous, stride, cache"],
    ],
  ),
  skill(
    "Apache Spark",
    "data",
    ["apache spark", "pyspark", "spark sql", "=Spark"],
    "A Spark job is slow and spills to disk. How do you find the cause and fix it?",
    [
      ["inspects stages and tasks in the Spark UI", "spark ui, stage, task, dag, executor"],
      ["fixes partitioning and data skew", "partition, repartition, coalesce, skew, salting"],
      [
        "reduces shuffles, for example with broadcast joins",
        "shuffle, broadcast join, broadcast, join",
      ],
      ["caches reused data", "cache, persist"],
      [
        "tunes executor memory and configuration",
        "memory, executor memory, spill, configuration, aqe, adaptive query",
      ],
    ],
  ),
  skill(
    "Airflow",
    "data",
    ["airflow", "apache airflow"],
    "How do you design Airflow DAGs that are reliable and easy to rerun?",
    [
      ["models work as a DAG of small tasks", "dag, task, dependency, operator"],
      ["makes tasks idempotent so backfills are safe", "idempotent, idempotency, backfill, rerun"],
      ["sets retries, SLAs and alerts", "retry, sla, alert, failure callback"],
      [
        "schedules with data intervals and sensors",
        "schedule, sensor, data interval, execution date",
      ],
      ["keeps heavy data out of XCom", "xcom, small, external storage"],
    ],
  ),
  skill(
    "dbt",
    "data",
    ["dbt"],
    "How do you structure a dbt project so that analytics models stay trustworthy?",
    [
      ["layers models and links them with ref", "model, ref, staging, mart, layer, dag"],
      ["tests models and sources", "test, unique, not null, relationships, data test"],
      ["uses incremental models for large tables", "incremental, merge, is_incremental"],
      ["documents models and sources", "documentation, docs, description, source"],
      ["tracks history with snapshots", "snapshot, slowly changing"],
    ],
  ),
  skill(
    "Data pipelines",
    "data",
    ["etl", "elt", "data pipeline", "data pipelines"],
    "How do you design a data pipeline that stays correct when inputs are late, duplicated or malformed?",
    [
      [
        "makes runs idempotent and safe to replay",
        "idempotent, idempotency, rerun, replay, backfill",
      ],
      [
        "validates data quality at each step",
        "validation, data quality, schema, check, great expectations",
      ],
      ["handles late-arriving data", "late, watermark, window, late arriving"],
      ["deduplicates records", "deduplicate, dedupe, duplicate, unique key"],
      ["monitors and alerts on freshness and volume", "monitor, alert, freshness, lineage, volume"],
    ],
  ),
  skill(
    "Data warehousing",
    "data",
    ["data warehouse", "data warehousing", "data lake", "lakehouse", "redshift"],
    "How do you model a data warehouse so that analysts get fast and consistent answers?",
    [
      [
        "uses dimensional modelling with facts and dimensions",
        "star schema, fact table, dimension, dimensional, kimball",
      ],
      ["handles history with slowly changing dimensions", "slowly changing, scd, history"],
      ["partitions and clusters large tables", "partition, cluster, sort key"],
      ["loads with ELT and tests the data", "elt, etl, transform, test, dbt"],
      ["watches cost and performance", "cost, performance, materialized"],
    ],
  ),
  skill(
    "NLP",
    "data",
    ["nlp", "natural language processing"],
    "How would you build a text classification system, and how would you evaluate it?",
    [
      ["preprocesses and tokenises text", "tokenize, tokenization, preprocessing, normalize"],
      ["represents text with embeddings", "embedding, tf idf, vector, word2vec"],
      ["uses or fine-tunes transformer models", "transformer, bert, fine tune, pretrained"],
      [
        "evaluates with suitable metrics and error analysis",
        "precision, recall, f1, error analysis, confusion matrix",
      ],
      ["handles class imbalance and labelling quality", "imbalance, label, annotation"],
    ],
  ),
  skill(
    "LLMs",
    "data",
    [
      "llm",
      "llms",
      "large language model",
      "large language models",
      "generative ai",
      "genai",
      "rag",
      "prompt engineering",
    ],
    "How would you build and evaluate a feature that uses a large language model so that it stays accurate and safe?",
    [
      ["grounds answers with retrieval", "rag, retrieval, grounding, embedding, vector"],
      [
        "evaluates against a test set with clear metrics",
        "evaluation, eval, test set, golden set, metric, benchmark",
      ],
      [
        "defends against prompt injection and unsafe output",
        "prompt injection, guardrail, safety, moderation, validate",
      ],
      ["controls cost and latency", "cost, latency, cache, token, streaming"],
      [
        "detects hallucinations and keeps humans in the loop",
        "hallucination, human review, human in the loop, citation",
      ],
    ],
  ),
  skill(
    "MLOps",
    "data",
    ["mlops", "model serving", "mlflow", "kubeflow", "model deployment"],
    "How do you make model training and deployment repeatable and safe?",
    [
      [
        "versions data, code and models in a registry",
        "version, model registry, mlflow, dvc, artifact",
      ],
      ["automates training and validation in CI", "ci, pipeline, automate, automated, validation"],
      ["monitors data and prediction drift", "drift, monitor, monitoring, data quality"],
      ["serves models with safe rollouts", "serving, canary, shadow, rollback, endpoint"],
    ],
  ),
  skill(
    "Statistics",
    "data",
    ["statistics", "statistical analysis", "statistical modeling", "statistical modelling"],
    "How do you decide whether a difference you see in data is real or just noise?",
    [
      ["frames a hypothesis test", "hypothesis, null hypothesis, test, t test, chi square"],
      [
        "interprets p-values and confidence intervals correctly",
        "p value, confidence interval, significance, significant",
      ],
      ["considers sample size and power", "sample size, power, variance"],
      ["watches for bias and confounders", "bias, confounder, confounding, correlation, causation"],
    ],
  ),
  skill(
    "A/B testing",
    "data",
    ["a/b testing", "a/b tests", "a/b test", "ab testing", "experimentation"],
    "How do you design an A/B test and decide whether the result is real?",
    [
      ["states a hypothesis and a primary metric", "hypothesis, primary metric, metric, goal"],
      [
        "sizes the sample and duration up front",
        "sample size, power, duration, minimum detectable effect",
      ],
      ["randomises assignment properly", "random, randomize, randomization, assignment, bucket"],
      [
        "tests significance without peeking",
        "significance, p value, confidence, peeking, sequential",
      ],
      ["checks guardrail metrics and novelty effects", "guardrail, novelty, side effect, segment"],
    ],
  ),
  skill(
    "Data visualization",
    "data",
    ["data visualization", "data visualisation", "tableau", "power bi", "looker"],
    "How do you design a dashboard that people actually use to make decisions?",
    [
      [
        "starts from the audience and the decision",
        "audience, decision, question, stakeholder, user",
      ],
      ["chooses the right chart for the data", "chart, bar, line, scatter, chart type"],
      ["keeps it clear and honest", "clear, clutter, axis, misleading, simple"],
      ["adds filters and drill-downs where useful", "filter, drill down, interactive"],
      [
        "makes sure the numbers are right and fresh",
        "accuracy, accurate, freshness, definition, validate",
      ],
    ],
  ),
  skill(
    "Computer vision",
    "data",
    ["computer vision", "opencv", "image recognition", "object detection"],
    "How would you build and evaluate an image recognition model for a real product?",
    [
      ["collects and labels representative images", "label, annotation, dataset, representative"],
      [
        "uses CNNs or vision transformers, often pretrained",
        "cnn, convolution, vision transformer, pretrained, transfer learning, resnet, yolo",
      ],
      ["augments data to generalise", "augmentation, augment, flip, crop"],
      ["evaluates with task metrics such as mAP or IoU", "map, iou, precision, recall, accuracy"],
      ["considers latency on the target device", "latency, edge, quantization, onnx, device"],
    ],
  ),
  skill(
    "Hadoop",
    "data",
    ["hadoop", "hdfs", "mapreduce", "=Hive"],
    "How does Hadoop store and process large datasets, and where does it struggle?",
    [
      ["explains HDFS blocks and replication", "hdfs, block, replication, namenode, datanode"],
      ["explains MapReduce or Hive processing", "mapreduce, map, reduce, hive, query"],
      ["uses data locality", "locality, data locality"],
      ["knows its limits and modern alternatives", "latency, small files, spark, alternative"],
    ],
  ),

  // Testing
  skill(
    "Unit testing",
    "testing",
    ["unit testing", "unit tests", "unit test"],
    "What makes a unit test valuable, and how do you test code that has external dependencies?",
    [
      [
        "tests behaviour rather than implementation details",
        "behavior, behaviour, implementation detail, public interface, refactor",
      ],
      [
        "isolates dependencies with fakes, stubs or mocks",
        "mock, stub, fake, dependency injection, test double",
      ],
      ["keeps tests fast and deterministic", "fast, deterministic, flaky, isolated"],
      ["covers edge cases and failure paths", "edge case, boundary, error case, failure"],
      ["treats coverage as a guide, not a goal", "coverage, metric, guide"],
    ],
  ),
  skill(
    "Integration testing",
    "testing",
    ["integration testing", "integration tests", "integration test"],
    "How do you write integration tests that give confidence without being slow or flaky?",
    [
      [
        "runs against real dependencies in containers",
        "real database, testcontainers, container, docker",
      ],
      ["sets up and cleans test data per test", "setup, teardown, fixture, transaction, clean"],
      ["uses contract tests between services", "contract test, pact, consumer driven"],
      ["runs them in CI with a clear scope", "ci, pipeline, scope, parallel"],
    ],
  ),
  skill(
    "End-to-end testing",
    "testing",
    ["end-to-end testing", "end-to-end tests", "e2e", "cypress", "playwright", "selenium"],
    "How do you keep end-to-end tests reliable rather than flaky?",
    [
      ["uses stable selectors", "selector, data testid, test id, role, locator"],
      ["waits for conditions instead of sleeping", "wait, sleep, auto wait, timeout, condition"],
      ["isolates test data and state", "test data, isolated, seed, reset, state"],
      [
        "keeps the suite small and focused on critical journeys",
        "critical path, journey, test pyramid, few, small",
      ],
      ["tracks and quarantines flaky tests in CI", "flaky, quarantine, retry, ci, trace"],
    ],
  ),
  skill(
    "TDD",
    "testing",
    ["tdd", "test-driven development", "test driven development"],
    "How do you practise test-driven development, and when do you not use it?",
    [
      ["follows red, green, refactor", "red green, refactor, failing test, red, green"],
      ["takes small steps", "small step, baby step, incremental"],
      ["uses tests as design feedback", "design, feedback, interface, api"],
      ["knows when it does not pay off", "spike, prototype, exploratory, trade off"],
    ],
  ),
  skill(
    "Jest",
    "testing",
    ["jest", "vitest"],
    "How do you write maintainable tests with Jest or Vitest?",
    [
      ["mocks modules and functions sparingly", "mock, jest fn, spy, spyon, vi fn"],
      ["tests async code correctly", "async, await, promise, resolves, rejects"],
      ["uses fake timers for time-based code", "fake timer, usefaketimers, timer"],
      ["uses snapshots with care", "snapshot, tomatchsnapshot"],
      ["checks coverage", "coverage"],
    ],
  ),
  skill(
    "pytest",
    "testing",
    ["pytest"],
    "How do you organise a pytest suite so it stays fast and readable?",
    [
      ["shares setup with fixtures and conftest", "fixture, conftest, scope"],
      ["parametrises cases", "parametrize, parameterize, parametrise, cases"],
      ["mocks with monkeypatch or unittest.mock", "monkeypatch, mock, patch"],
      ["selects tests with markers", "marker, mark, skip, xfail"],
    ],
  ),
  skill(
    "JUnit",
    "testing",
    ["junit", "mockito", "testng"],
    "How do you write clear and maintainable Java tests with JUnit?",
    [
      ["structures tests as arrange, act, assert", "arrange, act, assert, given when then"],
      ["mocks collaborators with Mockito", "mockito, mock, verify, stub"],
      ["uses parameterised tests", "parameterized, parameterised, parametrized"],
      ["keeps tests independent and fast", "independent, isolated, fast, beforeeach"],
    ],
  ),
  skill(
    "Performance testing",
    "testing",
    ["load testing", "performance testing", "stress testing", "jmeter", "k6", "gatling", "locust"],
    "How would you load test a service before a big launch?",
    [
      [
        "models realistic traffic and scenarios",
        "realistic, scenario, traffic model, user journey, production traffic",
      ],
      [
        "measures latency percentiles, throughput and errors",
        "p95, p99, percentile, latency, throughput, error rate, rps",
      ],
      ["ramps up, soaks and stresses", "ramp up, soak, stress, spike, breaking point"],
      [
        "tests in a production-like environment",
        "production like, staging, environment, same size",
      ],
      ["finds and fixes the bottleneck", "bottleneck, profile, cpu, database, fix"],
    ],
  ),
  skill(
    "Test automation",
    "testing",
    ["test automation", "=QA", "quality assurance", "automated testing"],
    "How do you decide what to automate in testing, and how do you keep an automated suite healthy?",
    [
      ["balances the test pyramid", "test pyramid, unit, integration, end to end, ui"],
      ["automates by risk and repetition", "risk, repetitive, regression, critical"],
      ["builds a maintainable framework", "framework, page object, reusable, maintainable"],
      ["runs in CI and handles flaky tests", "ci, pipeline, flaky, report"],
      ["keeps exploratory testing for what automation misses", "exploratory, manual, edge case"],
    ],
  ),

  // Security
  skill(
    "Application security",
    "security",
    ["application security", "appsec", "owasp", "secure coding", "web security"],
    "What are the most common web application vulnerabilities, and how do you prevent them in code you write?",
    [
      [
        "prevents injection with parameterised queries",
        "sql injection, injection, parameterized, parameterised, prepared statement",
      ],
      [
        "prevents XSS with output encoding and CSP",
        "xss, cross site scripting, escape, output encoding, csp, content security policy",
      ],
      [
        "enforces authorisation on every request",
        "authorization, authorisation, access control, idor, permission",
      ],
      ["protects against CSRF", "csrf, samesite, csrf token"],
      [
        "scans dependencies and keeps secrets out of code",
        "dependency, scan, vulnerability, cve, secret, sast, dast",
      ],
    ],
  ),
  skill(
    "Authentication",
    "security",
    [
      "oauth",
      "oauth2",
      "openid connect",
      "oidc",
      "jwt",
      "authentication",
      "sso",
      "saml",
      "single sign-on",
    ],
    "How would you implement login and API authorisation for a web app and a mobile client?",
    [
      [
        "uses a standard flow such as OAuth 2 authorisation code with PKCE",
        "oauth, oidc, authorization code, pkce, openid",
      ],
      [
        "issues short-lived tokens and rotates refresh tokens",
        "short lived, access token, refresh token, rotation, expiry, jwt",
      ],
      ["hashes passwords with a slow algorithm", "bcrypt, argon2, scrypt, hash, salt"],
      ["checks permissions with roles or scopes", "role, rbac, scope, permission, authorization"],
      [
        "stores sessions safely and supports MFA",
        "httponly, secure cookie, session, mfa, multi factor",
      ],
    ],
  ),
  skill(
    "Encryption",
    "security",
    ["encryption", "cryptography", "tls", "ssl"],
    "How do you protect sensitive data in transit and at rest?",
    [
      ["encrypts traffic with TLS", "tls, https, certificate, in transit"],
      ["encrypts data at rest with managed keys", "at rest, kms, aes, envelope encryption"],
      ["distinguishes hashing from encryption", "hash, hashing, one way, encrypt"],
      ["rotates and protects keys", "key rotation, rotate, key management, hsm"],
      [
        "uses vetted libraries rather than custom crypto",
        "library, vetted, roll your own, standard",
      ],
    ],
  ),
  skill(
    "Penetration testing",
    "security",
    [
      "penetration testing",
      "pentest",
      "pentesting",
      "pen testing",
      "ethical hacking",
      "burp suite",
    ],
    "Walk me through how you run a penetration test on a web application.",
    [
      [
        "agrees scope and rules of engagement",
        "scope, rules of engagement, permission, authorization",
      ],
      [
        "does reconnaissance and mapping",
        "recon, reconnaissance, enumerate, enumeration, nmap, map",
      ],
      ["tests for and exploits vulnerabilities", "exploit, vulnerability, burp, injection, owasp"],
      ["reports findings with severity and fixes", "report, severity, cvss, remediation, fix"],
    ],
  ),
  skill(
    "Privacy and compliance",
    "security",
    ["gdpr", "hipaa", "soc 2", "soc2", "pci dss", "pci", "data privacy", "compliance"],
    "How do you build a feature that handles personal data so it stays compliant with privacy rules?",
    [
      [
        "collects only the data it needs",
        "minimization, minimisation, minimal, only necessary, purpose",
      ],
      ["has a legal basis and consent where required", "consent, legal basis, lawful"],
      ["restricts and audits access", "access control, audit, log, least privilege"],
      [
        "defines retention and deletion",
        "retention, delete, deletion, right to be forgotten, erasure",
      ],
      [
        "encrypts and plans for breaches",
        "encrypt, encryption, breach, notification, pseudonymize, anonymize",
      ],
    ],
  ),
  skill(
    "Secrets management",
    "security",
    ["secrets management", "secret management", "hashicorp vault", "kms", "key management"],
    "How do you manage secrets such as database passwords and API keys across environments?",
    [
      [
        "keeps secrets out of code and images",
        "source code, repository, hardcoded, environment variable, git",
      ],
      ["stores them in a secrets manager", "vault, secrets manager, kms, key vault"],
      [
        "rotates secrets and prefers short-lived credentials",
        "rotate, rotation, short lived, dynamic secret",
      ],
      ["limits and audits access", "least privilege, audit, access policy"],
    ],
  ),

  // Architecture
  skill(
    "Microservices",
    "architecture",
    ["microservices", "microservice", "service-oriented architecture", "soa"],
    "When would you split a monolith into microservices, and how do you handle communication and data between them?",
    [
      [
        "draws service boundaries around business domains",
        "boundary, domain, bounded context, business capability",
      ],
      [
        "gives each service ownership of its data",
        "database per service, data ownership, own database, shared database",
      ],
      [
        "chooses synchronous or asynchronous communication",
        "synchronous, asynchronous, rest, grpc, event, message, queue",
      ],
      [
        "builds in resilience with timeouts, retries and circuit breakers",
        "timeout, retry, circuit breaker, bulkhead, fallback",
      ],
      [
        "accepts the operational cost and invests in observability",
        "observability, tracing, deployment, complexity, operational",
      ],
    ],
  ),
  skill(
    "System design",
    "architecture",
    ["system design", "systems design", "software architecture"],
    "How would you design a URL shortener that handles millions of requests per day?",
    [
      [
        "clarifies requirements and estimates load",
        "requirement, estimate, read heavy, qps, storage, scale",
      ],
      ["defines the API and data model", "api, data model, schema, endpoint"],
      [
        "generates unique short keys",
        "hash, base62, unique id, key generation, counter, collision",
      ],
      ["caches hot links", "cache, redis, cdn"],
      [
        "scales storage with replication or sharding",
        "replication, replica, sharding, shard, partition",
      ],
    ],
  ),
  skill(
    "Distributed systems",
    "architecture",
    ["distributed systems", "distributed system", "distributed computing"],
    "How do you deal with partial failures and consistency in a distributed system?",
    [
      [
        "chooses a consistency model knowingly",
        "consistency, eventual consistency, strong consistency, cap, linearizable",
      ],
      [
        "uses timeouts, retries and idempotency",
        "timeout, retry, idempotent, idempotency, backoff",
      ],
      [
        "relies on consensus or leader election where needed",
        "consensus, raft, paxos, leader election, quorum",
      ],
      ["replicates and partitions data", "replication, partition, sharding, replica"],
      ["handles clocks and ordering", "clock, ordering, vector clock, lamport, timestamp"],
    ],
  ),
  skill(
    "Domain-driven design",
    "architecture",
    ["domain-driven design", "domain driven design", "ddd"],
    "How have you applied domain-driven design, and what did it change in the code?",
    [
      ["splits the model into bounded contexts", "bounded context, context, boundary"],
      [
        "builds a ubiquitous language with domain experts",
        "ubiquitous language, domain expert, language",
      ],
      [
        "models aggregates, entities and value objects",
        "aggregate, entity, value object, invariant",
      ],
      ["uses domain events between contexts", "domain event, event"],
    ],
  ),
  skill(
    "Caching",
    "architecture",
    ["caching", "cdn", "memcached"],
    "Where would you add caching to speed up a read-heavy service, and how do you keep cached data correct?",
    [
      [
        "picks the right layer: CDN, application or database",
        "cdn, application cache, in memory, layer, database cache",
      ],
      ["sets TTLs and invalidates on change", "ttl, expire, invalidation, invalidate"],
      ["prevents stampedes on hot keys", "stampede, thundering herd, lock, request coalescing"],
      ["measures the hit ratio", "hit ratio, hit rate, miss, metric"],
      ["decides how much staleness is acceptable", "stale, staleness, consistency"],
    ],
  ),
  skill(
    "Scalability",
    "architecture",
    [
      "scalability",
      "performance optimization",
      "performance optimisation",
      "performance tuning",
      "high availability",
    ],
    "A service's latency doubled after a traffic increase. How do you find the bottleneck and fix it?",
    [
      [
        "measures latency percentiles and profiles",
        "p99, p95, percentile, latency, profile, profiler, measure",
      ],
      ["locates the bottleneck", "bottleneck, database, cpu, io, i/o, lock contention, saturation"],
      [
        "scales horizontally behind a load balancer",
        "horizontal, scale out, load balancer, replica, autoscaling",
      ],
      [
        "adds caching or moves work off the request path",
        "cache, caching, async, queue, background",
      ],
      ["plans capacity with load tests", "capacity, load test, headroom, forecast"],
    ],
  ),
  skill(
    "API design",
    "architecture",
    ["api design", "openapi", "swagger", "api development"],
    "What makes an API pleasant to use and safe to evolve?",
    [
      ["uses consistent naming and resources", "consistent, naming, resource, convention"],
      ["documents the contract with OpenAPI", "openapi, swagger, contract, documentation, schema"],
      [
        "versions and avoids breaking changes",
        "version, breaking change, backward compatible, deprecat",
      ],
      ["returns clear errors", "error, status code, error message, problem details"],
      [
        "paginates, rate limits and supports idempotency",
        "pagination, rate limit, idempotency, idempotent",
      ],
    ],
  ),
  skill(
    "Design patterns",
    "architecture",
    ["design patterns", "design pattern", "=SOLID", "clean architecture", "hexagonal architecture"],
    "Which design principles or patterns do you rely on day to day, and when have they helped or hurt?",
    [
      [
        "applies single responsibility and SOLID",
        "single responsibility, solid, cohesion, open closed",
      ],
      [
        "depends on abstractions and injects dependencies",
        "dependency inversion, dependency injection, interface, abstraction",
      ],
      ["prefers composition over inheritance", "composition, inheritance"],
      [
        "names concrete patterns such as strategy, factory or adapter",
        "strategy, factory, adapter, observer, decorator, repository",
      ],
      ["avoids over-engineering", "over engineering, yagni, simple, complexity"],
    ],
  ),
  skill(
    "Concurrency",
    "architecture",
    ["concurrency", "multithreading", "multi-threading", "parallelism", "concurrent programming"],
    "How do you avoid race conditions and deadlocks in concurrent code?",
    [
      ["minimises shared mutable state", "shared state, mutable, immutable, immutability"],
      [
        "protects critical sections with locks or atomics",
        "lock, mutex, atomic, synchronized, critical section",
      ],
      ["orders locks to prevent deadlocks", "lock ordering, deadlock, timeout"],
      ["prefers message passing and queues", "message passing, channel, queue, actor"],
      [
        "tests with race detectors and stress tests",
        "race detector, stress test, thread sanitizer, tsan",
      ],
    ],
  ),
  skill(
    "Data structures and algorithms",
    "architecture",
    ["data structures", "algorithms", "algorithm", "data structure"],
    "How do you choose a data structure for a performance-sensitive problem? Give an example.",
    [
      [
        "reasons about time and space complexity",
        "big o, complexity, o n, o log n, o 1, linear, logarithmic",
      ],
      [
        "picks hash maps, trees, heaps or arrays for the access pattern",
        "hash map, hashmap, tree, heap, array, set, queue, trie",
      ],
      ["trades memory against speed", "memory, space, trade off"],
      ["measures with benchmarks", "benchmark, measure, profile"],
    ],
  ),
  skill(
    "Object-oriented programming",
    "architecture",
    ["object-oriented", "object oriented", "oop"],
    "How do you use object-oriented design well, and where does it go wrong?",
    [
      ["encapsulates state behind behaviour", "encapsulation, encapsulate, private, invariant"],
      ["uses polymorphism through interfaces", "polymorphism, interface, abstract"],
      ["prefers composition to deep inheritance", "composition, inheritance, hierarchy"],
      ["follows SOLID principles", "solid, single responsibility, liskov"],
    ],
  ),
  skill(
    "Functional programming",
    "architecture",
    ["functional programming"],
    "Which functional programming ideas do you use in everyday code, and why?",
    [
      ["writes pure functions", "pure function, pure, side effect, deterministic"],
      ["prefers immutable data", "immutable, immutability"],
      [
        "composes with higher-order functions",
        "higher order, map, filter, reduce, compose, composition",
      ],
      ["pushes side effects to the edges", "edge, boundary, effect, io, i/o"],
    ],
  ),

  // Mobile
  skill(
    "iOS",
    "mobile",
    ["ios", "uikit", "swiftui", "xcode"],
    "How do you keep an iOS app responsive and handle background work correctly?",
    [
      [
        "keeps UI work on the main thread and the rest off it",
        "main thread, gcd, dispatch, async, await, actor",
      ],
      [
        "respects the app lifecycle and background modes",
        "lifecycle, background, background task, scene",
      ],
      [
        "manages memory and profiles with Instruments",
        "memory, arc, instruments, retain cycle, leak",
      ],
      ["persists data for offline use", "core data, swiftdata, offline, cache, persistence"],
      ["ships through TestFlight and App Store review", "testflight, app store, release, review"],
    ],
  ),
  skill(
    "Android",
    "mobile",
    ["android", "jetpack compose", "android sdk"],
    "How do you handle lifecycle and background work in an Android app?",
    [
      [
        "keeps state across lifecycle changes with ViewModels",
        "lifecycle, viewmodel, configuration change, activity, fragment",
      ],
      [
        "runs background work with coroutines or WorkManager",
        "coroutine, workmanager, background, service",
      ],
      ["builds UI with Compose or views efficiently", "compose, recomposition, view, recyclerview"],
      ["finds leaks and jank with profiling tools", "leak, leakcanary, profiler, jank, memory"],
      [
        "handles device fragmentation and releases",
        "fragmentation, api level, play store, release",
      ],
    ],
  ),
  skill(
    "React Native",
    "mobile",
    ["react native", "react-native"],
    "What are the main performance pitfalls in React Native, and how do you avoid them?",
    [
      [
        "understands the JS-to-native bridge or new architecture",
        "bridge, native module, jsi, new architecture, turbo module",
      ],
      ["renders long lists efficiently", "flatlist, list, virtualization, memo"],
      ["handles platform differences", "platform, ios, android, native"],
      ["ships updates with Expo or OTA", "expo, ota, over the air, codepush, eas"],
    ],
  ),
  skill(
    "Flutter",
    "mobile",
    ["flutter", "=Dart"],
    "How do you manage state and keep a Flutter app fast?",
    [
      ["explains stateless and stateful widgets", "widget, stateless, stateful, build"],
      [
        "uses a state-management approach such as Provider, Riverpod or Bloc",
        "provider, riverpod, bloc, state management",
      ],
      ["avoids unnecessary rebuilds", "rebuild, const, devtools, performance"],
      ["uses platform channels for native features", "platform channel, method channel, native"],
    ],
  ),

  // Soft skills and ways of working: asked as behavioural questions.
  skill(
    "Leadership",
    "soft",
    [
      "leadership",
      "team lead",
      "tech lead",
      "technical lead",
      "people management",
      "engineering manager",
    ],
    "Tell me about a time you led a team through a difficult deadline or change. What did you do, and what was the outcome?",
    [
      ["set a clear goal and direction", "goal, direction, vision, priority, plan"],
      ["delegated and gave people ownership", "delegate, ownership, empower, trust, assigned"],
      [
        "handled conflict or underperformance",
        "conflict, disagreement, underperform, difficult conversation, feedback",
      ],
      ["kept stakeholders informed", "stakeholder, update, communicate, expectation"],
      ["achieved a measurable result", "delivered, result, outcome, shipped, on time"],
    ],
  ),
  skill(
    "Communication",
    "soft",
    ["communication", "communication skills", "communicator"],
    "Tell me about a time you had to explain a complex technical topic to a non-technical audience. How did you make sure it landed?",
    [
      ["adapted to the audience", "audience, non technical, stakeholder, business, level"],
      [
        "simplified with analogies and no jargon",
        "analogy, simple, jargon, plain language, example",
      ],
      ["used visuals or written summaries", "diagram, visual, document, slide, written, summary"],
      [
        "checked understanding and invited questions",
        "question, feedback, check, understood, understanding",
      ],
      ["led to a decision or outcome", "decision, agreed, outcome, result"],
    ],
  ),
  skill(
    "Mentoring",
    "soft",
    ["mentoring", "mentorship", "mentored", "coaching"],
    "Tell me about someone you mentored. How did you help them grow, and how did you know it worked?",
    [
      ["understood their goals and gaps", "goal, gap, need, strength, career"],
      ["taught through pairing and code review", "pair programming, pairing, code review, example"],
      ["gave regular, honest feedback", "feedback, one on one, 1 1, regular, honest"],
      ["gradually handed over ownership", "ownership, responsibility, independent, stretch"],
      ["saw a concrete result", "promoted, promotion, grew, growth, independent, result"],
    ],
  ),
  skill(
    "Agile",
    "soft",
    ["agile", "kanban"],
    "Tell me about how your team worked in an agile way, and one practice you changed because it was not working.",
    [
      ["delivered in small increments", "iteration, incremental, small, increment, sprint"],
      [
        "prioritised a backlog with the product owner",
        "backlog, priority, prioritize, product owner",
      ],
      [
        "improved the process through retrospectives",
        "retrospective, retro, improve, continuous improvement",
      ],
      ["used feedback from users to adapt", "feedback, user, customer, adapt"],
      [
        "changed a specific practice and saw the effect",
        "changed, stopped, introduced, result, effect",
      ],
    ],
  ),
  skill(
    "Scrum",
    "soft",
    ["scrum", "scrum master", "sprint planning"],
    "Tell me about a sprint that went badly. What happened, and what did the team change?",
    [
      [
        "describes the sprint goal and what went wrong",
        "sprint goal, goal, scope, blocker, estimate",
      ],
      ["uses stand-ups to surface blockers early", "stand up, standup, daily, blocker"],
      ["worked with the product owner on scope", "product owner, backlog, scope"],
      [
        "used the retrospective to change something concrete",
        "retrospective, retro, action item, changed",
      ],
    ],
  ),
  skill(
    "Stakeholder management",
    "soft",
    ["stakeholder management", "stakeholders", "stakeholder"],
    "Tell me about a time stakeholders wanted conflicting things. How did you handle it?",
    [
      ["understood each stakeholder's goals", "goal, interest, need, understand, listen"],
      ["made the trade-offs explicit", "trade off, option, cost, impact, priority"],
      ["kept everyone updated", "update, communicate, regular, transparent"],
      ["negotiated or said no when needed", "negotiate, say no, push back, compromise"],
      ["reached alignment and a result", "alignment, agreed, decision, outcome"],
    ],
  ),
  skill(
    "Project management",
    "soft",
    ["project management", "project manager", "jira", "delivery management"],
    "Tell me about a project you planned and delivered. How did you track it and deal with slippage?",
    [
      ["defined scope and milestones", "scope, milestone, plan, deliverable"],
      ["identified and managed risks", "risk, dependency, mitigate, blocker"],
      ["tracked progress visibly", "track, progress, board, status, jira"],
      [
        "handled slippage by trading scope, time or people",
        "slip, delay, cut scope, trade off, reprioritize",
      ],
      ["delivered a measurable result", "delivered, shipped, on time, result, outcome"],
    ],
  ),
  skill(
    "Problem solving",
    "soft",
    ["problem solving", "problem-solving", "analytical skills", "troubleshooting"],
    "Tell me about the hardest problem you have solved at work. How did you break it down, and how did you know it was solved?",
    [
      ["clarified and reproduced the problem", "reproduce, clarify, understand, define, symptom"],
      [
        "broke it down and formed hypotheses",
        "break down, hypothesis, narrow down, isolate, bisect",
      ],
      ["used data and measurements", "data, measure, metric, log, evidence"],
      ["compared options and trade-offs", "option, alternative, trade off, compare"],
      ["verified the fix and the outcome", "verify, verified, test, confirmed, result, outcome"],
    ],
  ),
  skill(
    "Collaboration",
    "soft",
    ["teamwork", "collaboration", "team player", "cross-functional", "collaborative"],
    "Tell me about a time you disagreed with a teammate about a technical decision. How did you resolve it?",
    [
      [
        "listened to understand the other view",
        "listen, understand, perspective, view, their point",
      ],
      [
        "used data or a small experiment to decide",
        "data, evidence, prototype, experiment, benchmark",
      ],
      [
        "reached a decision and committed to it",
        "decision, agree, commit, compromise, disagree and commit",
      ],
      ["kept the relationship respectful", "respect, relationship, trust, calm"],
      ["describes the outcome", "outcome, result, shipped, it worked"],
    ],
  ),
  skill(
    "Product thinking",
    "soft",
    [
      "product thinking",
      "product mindset",
      "product sense",
      "customer focus",
      "user-centric",
      "user centric",
    ],
    "Tell me about a time you changed what was built because of what you learned about users.",
    [
      ["started from the user's problem", "user, customer, problem, pain point, need"],
      ["used data or research", "data, research, interview, analytics, feedback"],
      ["scoped a minimal version", "mvp, minimal, scope, iterate, small"],
      ["measured the impact", "metric, impact, conversion, retention, measure"],
      ["worked closely with product and design", "product manager, designer, design, product"],
    ],
  ),
  skill(
    "Code review",
    "soft",
    ["code review", "code reviews", "pull requests", "peer review"],
    "How do you review code, and how do you give feedback that helps rather than blocks?",
    [
      [
        "checks correctness, design and readability",
        "correctness, design, readability, bug, edge case",
      ],
      ["gives specific, kind feedback", "kind, specific, suggestion, question, tone, constructive"],
      ["keeps pull requests small", "small, pull request, size"],
      ["automates style checks", "lint, linter, formatter, automate, ci"],
      ["treats review as knowledge sharing", "learn, knowledge sharing, teach, share"],
    ],
  ),
  skill(
    "Documentation",
    "soft",
    [
      "technical writing",
      "technical documentation",
      "documentation",
      "architecture decision records",
    ],
    "How do you write documentation that people actually read and keep up to date?",
    [
      ["writes for a specific audience", "audience, reader, new joiner, user"],
      ["structures docs with examples", "example, structure, how to, tutorial, readme"],
      [
        "keeps docs next to the code and reviews them",
        "docs as code, repository, review, pull request, up to date",
      ],
      ["records decisions", "decision record, adr, decision, rationale"],
    ],
  ),
];

/** A skill found in a text, with how often and where it first appeared. */
export interface SkillMention {
  /** The catalog entry that was found. */
  skill: Skill;
  /** How many times any of its aliases occurs. */
  count: number;
  /** Offset of the first occurrence, for stable ordering. */
  firstIndex: number;
}

interface CompiledAlias {
  skill: Skill;
  pattern: RegExp;
  needsLanguageContext: boolean;
  /** Plain substring that must occur for the pattern to match; a cheap pre-check. */
  needle: string;
  exactCase: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Compiles each alias once; word boundaries are Unicode-aware and treat "+" and "#" as part of a word. */
function compileAliases(): CompiledAlias[] {
  const compiled: CompiledAlias[] = [];
  for (const entry of SKILL_CATALOG) {
    for (const alias of entry.aliases) {
      const marker = alias[0];
      const exactCase = marker === "=" || marker === "~";
      const body = exactCase ? alias.slice(1) : alias;
      const source = `(?<![\\p{L}\\p{N}_])${escapeRegExp(body)}(?![\\p{L}\\p{N}_+#])`;
      compiled.push({
        skill: entry,
        pattern: new RegExp(source, exactCase ? "gu" : "giu"),
        needsLanguageContext: marker === "~",
        needle: exactCase ? body : body.toLowerCase(),
        exactCase,
      });
    }
  }
  return compiled;
}

const COMPILED_ALIASES = compileAliases();

const LANGUAGE_AFTER =
  /^\s*(?:[,/;()|]|and\b|or\b|\+\s|developers?\b|engineers?\b|programming\b|programmers?\b|language\b|lang\b|code\b|backend\b|services?\b|microservices?\b|modules?\b|routines?\b|stack\b|experience\b|projects?\b|applications?\b|\d)/i;
const LANGUAGE_BEFORE =
  /(?:[,/(|:]|\band|\bor|\bin|\bwith|\busing|\bof|\blike|\bincluding|\bsuch as|\be\.g\.|\bembedded|\bmodern|\bidiomatic|\bwritten in|\bknowledge of)\s*$/i;
/** Ordinary phrases that would otherwise look like the languages Go, C or R. */
const NOT_LANGUAGE_AFTER =
  /^(?:\s*[&'’-]|\s+(?:to|ahead|live|through|back|beyond|away|out|over|down|up|on|for|get|fast|far|into|with the|-)\b)/i;
const NOT_LANGUAGE_BEFORE =
  /(?:\b(?:series|grade|level|vitamin|plan|type|class|section|option|tier|round|phase|step|part|let's|lets|will|and then|ready to)\s*|\b[A-Z]\s*,\s*|-)$/i;

/**
 * Decides whether a bare "Go", "C" or "R" is the programming language: it
 * must sit in a list of technologies ("Go, Rust", "C/C++", "Python and R"),
 * after a phrase like "written in" or "experience with", or before a word like
 * "developer" or "services", and not be part of an everyday phrase ("go to",
 * "C-level", "Series C", "R&D").
 */
function isLanguageContext(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 30), start);
  const after = text.slice(end, end + 30);
  if (NOT_LANGUAGE_AFTER.test(after) || NOT_LANGUAGE_BEFORE.test(before)) return false;
  return LANGUAGE_AFTER.test(after) || LANGUAGE_BEFORE.test(before);
}

/**
 * Finds catalog skills in a text. When aliases overlap ("React Native" and
 * "React", "SQL Server" and "SQL"), the longest match wins so a skill is not
 * counted for text that belongs to another. Results are ordered by first
 * appearance.
 */
export function detectSkills(text: string): SkillMention[] {
  const matches: { skill: Skill; start: number; end: number }[] = [];
  const lower = text.toLowerCase();
  for (const alias of COMPILED_ALIASES) {
    // Most aliases are absent; a substring test is far cheaper than the regex with its look-behind.
    if (!(alias.exactCase ? text : lower).includes(alias.needle)) continue;
    alias.pattern.lastIndex = 0;
    for (const match of text.matchAll(alias.pattern)) {
      const start = match.index ?? 0;
      const end = start + match[0].length;
      if (alias.needsLanguageContext && !isLanguageContext(text, start, end)) continue;
      matches.push({ skill: alias.skill, start, end });
    }
  }
  matches.sort((a, b) => (b.end - b.start) - (a.end - a.start) || a.start - b.start);
  const claimed: [number, number][] = [];
  const mentions = new Map<string, SkillMention>();
  for (const match of matches) {
    if (claimed.some(([s, e]) => match.start < e && s < match.end)) continue;
    claimed.push([match.start, match.end]);
    const existing = mentions.get(match.skill.name);
    if (existing) {
      existing.count++;
      existing.firstIndex = Math.min(existing.firstIndex, match.start);
    } else {
      mentions.set(match.skill.name, { skill: match.skill, count: 1, firstIndex: match.start });
    }
  }
  return [...mentions.values()].sort((a, b) =>
    a.firstIndex - b.firstIndex || a.skill.name.localeCompare(b.skill.name)
  );
}
