#include "daemon/cli/run_command.h"

#include <netdb.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <random>

#include "connectors/http/http_client.h"
#include "daemon/cli/alerting.h"
#include "daemon/cli/check_config_command.h"
#include "daemon/cli/configured_redis.h"
#include "daemon/cli/state_lock.h"
#include "daemon/config/config.h"
#include "daemon/api/http_api.h"
#include "daemon/telemetry/log.h"
#include "daemon/telemetry/metric_catalogue.h"
#include "daemon/telemetry/metrics.h"
#include "daemon/store/private_redis.h"
#include "daemon/store/queue_store.h"
#include "daemon/store/redis_supervisor.h"
#include "daemon/pipeline/reply_sender.h"
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

std::string listen_address(const Config& cfg) {
  const bool v6 = cfg.api_host.find(':') != std::string::npos;
  return (v6 ? "[" + cfg.api_host + "]" : cfg.api_host) + ":" + std::to_string(cfg.api_port);
}

// Whether api.listen can be bound now (a bind on a socket closed at once, with the options the
// API's acceptor uses): "" when it can, else why not. Checked before any redis-server starts,
// so a port in use fails fast and starts nothing.
std::string bind_problem(const Config& cfg) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(cfg.api_port);
  if (const int rc = getaddrinfo(cfg.api_host.c_str(), port.c_str(), &hints, &found); rc != 0)
    return gai_strerror(rc);
  std::string problem;
  const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    problem = std::strerror(errno);
  } else {
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(fd, found->ai_addr, found->ai_addrlen) != 0) problem = std::strerror(errno);
    close(fd);
  }
  freeaddrinfo(found);
  return problem;
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

  // The private Redis's state dir is ours alone: lock it before touching anything, so a second
  // copy on the same configuration leaves the first (and its redis-server) alone.
  std::unique_ptr<StateLock> state_lock;
  if (!cfg.redis) {
    try {
      state_lock = std::make_unique<StateLock>(cfg.state_dir);
    } catch (const std::exception& e) {
      std::cerr << "carewatch: " << e.what() << "\n";
      return 1;
    }
  }
  if (const std::string problem = bind_problem(cfg); !problem.empty()) {
    std::cerr << "carewatch: api.listen: cannot listen on " << listen_address(cfg) << ": " << problem << "\n";
    return 1;
  }

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
    // The private redis-server is restarted when it dies; sources and the API reconnect by
    // themselves.
    std::unique_ptr<RedisSupervisor> supervisor;
    if (private_redis) {
      RedisSupervisorEvents events;
      events.exited = [](pid_t pid, const std::string& how) {
        log::error("private redis-server " + how + "; restarting it", {{"pid", std::to_string(pid)}});
      };
      events.restarted = [restarts = metrics.add(metric::redis_restarts_total),
                          socket = private_redis->socket_path()](pid_t pid) {
        restarts.inc({});
        log::info("private redis-server restarted", {{"pid", std::to_string(pid)}, {"socket", socket}});
      };
      events.restart_failed = [](const std::string& e, std::chrono::milliseconds retry_in) {
        log::error("private redis-server could not be restarted",
                   {{"error", e}, {"retry_in_ms", std::to_string(retry_in.count())}});
      };
      supervisor = std::make_unique<RedisSupervisor>(*private_redis, std::move(events));
    }
    // Every source's connector, by name: the reply outbox posts through them, the API checks
    // replies against their rules (a disabled source still answers the mentions it fetched).
    auto connectors = std::make_shared<std::map<std::string, std::shared_ptr<Connector>>>();
    for (const auto& s : sources) connectors->emplace(s.config.name, s.connector);
    const ConnectorLookup connector_for = [connectors](const std::string& name) -> std::shared_ptr<Connector> {
      const auto it = connectors->find(name);
      return it == connectors->end() ? nullptr : it->second;
    };
    const std::string instance_id = make_instance_id();
    ReplySenderOptions ro;
    ro.instance_id = instance_id;
    ro.workers = cfg.replies.workers;
    ro.sending_lease = cfg.replies.sending_lease;
    ro.retry_initial = cfg.replies.retry_initial;
    ro.retry_max = cfg.replies.retry_max;
    ro.give_up_after = cfg.replies.give_up_after;
    ReplySender reply_sender(store, metrics, connector_for, ro);

    std::atomic<bool> ready{false};
    HttpApi api(cfg, store, metrics, [&ready] { return ready.load(); });
    api.set_reply_desk({connector_for, [&reply_sender] { reply_sender.wake(); }});
    try {
      api.start();
    } catch (const std::exception& e) {
      std::cerr << "carewatch: api.listen: " << e.what() << "\n";
      if (supervisor) supervisor->stop();
      if (private_redis) private_redis->stop();
      return 1;
    }
    // Alerts: the outbox and its sender, the events follower, the SLA watch, the detectors.
    Alerting alerting(cfg, store, metrics, make_cpprest_http_client(), instance_id, sources);
    SchedulerOptions so;
    so.instance_id = instance_id;
    so.brand_handles = cfg.brand_handles;
    so.on_poll = alerting.poll_observer();
    so.recurring = cfg.recurring;
    Scheduler scheduler(store, rules, metrics, std::move(sources), so);
    scheduler.start();
    reply_sender.start();
    alerting.start();
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
    api.stop();
    reply_sender.stop();
    scheduler.stop();
    alerting.stop();  // after the scheduler: the last polls' reports are taken in
    if (supervisor) supervisor->stop();  // before the server is stopped, so it is not restarted
  }
  if (private_redis) private_redis->stop();
  return exit_code;
}

}  // namespace carewatch
