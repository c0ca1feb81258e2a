#include "daemon/cli/run_command.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <random>

#include "connectors/http/http_client.h"
#include "daemon/cli/check_config_command.h"
#include "daemon/cli/configured_redis.h"
#include "daemon/config/config.h"
#include "daemon/api/http_api.h"
#include "daemon/telemetry/log.h"
#include "daemon/telemetry/metrics.h"
#include "daemon/store/private_redis.h"
#include "daemon/store/queue_store.h"
#include "daemon/pipeline/rules_holder.h"
#include "daemon/pipeline/scheduler.h"
#include "rules/default_rules.h"

namespace carewatch {

namespace {

std::string make_instance_id() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::random_device rd;
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + std::to_string(rd());
}

}  // namespace

int run_daemon(const RunOptions& options) {
  // Block the signals we handle before any thread starts (the HTTP client's too), so only sigwait
  // sees them.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // The same check as check-config: whatever it refuses, run refuses with the same lines, exit 2.
  auto checked = check_config(options.config_path, make_cpprest_http_client(), std::cerr);
  if (!checked) return 2;
  const Config& cfg = checked->config;
  log::set_level(cfg.log_level);
  const auto rule_set = checked->rules;
  RulesHolder rules(rule_set);
  std::vector<ScheduledSource> sources = std::move(checked->sources);
  std::string error;

  ConfiguredRedis redis;
  try {
    redis = open_configured_redis(cfg, false);
    if (redis.started)
      log::info("started private redis-server",
                {{"dir", private_redis_dir(cfg)}, {"socket", redis.started->socket_path()},
                 {"pid", std::to_string(redis.started->pid())}});
  } catch (const std::exception& e) {
    std::cerr << "carewatch: cannot start redis-server: " << e.what() << "\n";
    return 1;
  }
  const RedisEndpoint& endpoint = redis.endpoint;
  PrivateRedis* private_redis = redis.started.get();

  int exit_code = 0;
  {
    QueueStore store(endpoint, cfg.store);
    if (!store.ping())
      log::warn("redis not reachable yet; sources pause until it is",
                {{"endpoint", describe(endpoint)}});
    Metrics metrics;
    std::atomic<bool> ready{false};
    HttpApi api(cfg, store, metrics, [&ready] { return ready.load(); });
    try {
      api.start();
    } catch (const std::exception& e) {
      std::cerr << "carewatch: cannot listen on " << cfg.api_host << ":" << cfg.api_port
                << ": " << e.what() << "\n";
      return 1;
    }
    SchedulerOptions so;
    so.instance_id = make_instance_id();
    so.brand_handles = cfg.brand_handles;
    Scheduler scheduler(store, rules, metrics, std::move(sources), so);
    scheduler.start();
    ready = true;
    std::cout << "carewatch: API listening on http://" << cfg.api_host << ":" << api.port()
              << "  (sources: " << cfg.sources.size() << ", rules: " << rule_set->size()
              << ", redis: "
              << (private_redis ? "private " + private_redis->socket_path() : describe(endpoint))
              << ")" << std::endl;
    log::info("carewatch running", {{"api_port", std::to_string(api.port())}});

    for (;;) {
      timespec tick{1, 0};
      const int sig = sigtimedwait(&signals, nullptr, &tick);
      if (sig == SIGHUP) {
        auto fresh = load_rules_or_default(cfg.rules_path, error);
        if (fresh) {
          rules.set(fresh);
          log::info("rules reloaded", {{"rules", std::to_string(fresh->size())}});
        } else {
          log::error("rules reload rejected; the old rules stay", {{"error", error}});
        }
      } else if (sig == SIGINT || sig == SIGTERM) {
        log::info("stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
        break;
      } else if (options.exit_when_done && scheduler.all_exhausted()) {
        log::info("all replay sources done; stopping");
        break;
      }
    }
    ready = false;
    scheduler.stop();
    api.stop();
  }
  if (private_redis) private_redis->stop();
  return exit_code;
}

}  // namespace carewatch
