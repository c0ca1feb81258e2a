// carewatch: one binary, subcommands run | check-config | classify | bench | version.
#include <CLI/CLI.hpp>

#include <iostream>

#include "daemon/bench_command.h"
#include "daemon/check_config_command.h"
#include "daemon/classify_command.h"
#include "daemon/config.h"
#include "daemon/run_command.h"
#include "rules/default_rules.h"

#ifndef CAREWATCH_VERSION
#define CAREWATCH_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  using namespace carewatch;
  CLI::App app{"carewatch: social customer care daemon (poll platforms, classify mentions, "
               "route them to Redis work queues, measure response times)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", CAREWATCH_VERSION);

  RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run the daemon in the foreground");
  run_cmd->add_option("-c,--config", run.config_path, "Configuration file (JSON, comments allowed)")
      ->required();
  run_cmd->add_flag("--exit-when-done", run.exit_when_done,
                    "Stop once every replay source has been read to its end and enqueued");

  std::string check_path;
  auto* check_cmd = app.add_subcommand(
      "check-config", "Validate a configuration file (and its rules and source options); exit 2 on error");
  check_cmd->add_option("file", check_path, "Configuration file")->required();

  std::string classify_config;
  auto* classify_cmd = app.add_subcommand(
      "classify",
      "Classify mentions without Redis: JSONL on stdin ({\"id\", \"text\", optional \"platform\", "
      "\"author\", ...}), one JSON decision per line on stdout");
  classify_cmd->add_option("-c,--config", classify_config,
                           "Use this configuration's rules (default: the built-in rules)");
  std::string classify_rules;
  classify_cmd->add_option("-r,--rules", classify_rules, "Use this rules file");

  BenchOptions bench;
  auto* bench_cmd = app.add_subcommand(
      "bench", "Measure end-to-end throughput: synthetic mentions through rules into a private "
               "Redis (AOF on), compared with redis-benchmark on the same server");
  bench_cmd->add_option("-n,--mentions", bench.mentions, "How many mentions to replay")
      ->capture_default_str();
  bench_cmd->add_option("--batch", bench.batch_size, "Mentions per enqueue batch")->capture_default_str();
  bench_cmd->add_option("--workers", bench.workers, "Ingest threads")->capture_default_str();
  bench_cmd->add_option("--appendfsync", bench.appendfsync, "always | everysec")
      ->check(CLI::IsMember({"always", "everysec"}))
      ->capture_default_str();

  app.add_subcommand("version", "Print the version");

  CLI11_PARSE(app, argc, argv);

  if (*run_cmd) return run_daemon(run);
  if (*check_cmd) return run_check_config(check_path, std::cout, std::cerr);
  if (*classify_cmd) {
    std::ios::sync_with_stdio(false);
    std::shared_ptr<const RuleSet> rules;
    std::string error;
    if (!classify_rules.empty()) {
      rules = RuleSet::load_file(classify_rules, error);
    } else if (!classify_config.empty()) {
      std::vector<std::string> errors;
      auto cfg = load_config(classify_config, errors);
      if (!cfg) {
        for (const auto& e : errors) std::cerr << classify_config << ": " << e << "\n";
        return 2;
      }
      rules = cfg->rules_path.empty() ? default_rules() : RuleSet::load_file(cfg->rules_path, error);
    } else {
      rules = default_rules();
    }
    if (!rules) {
      std::cerr << "carewatch classify: " << error << "\n";
      return 2;
    }
    return run_classify(std::cin, std::cout, std::cerr, *rules);
  }
  if (*bench_cmd) return run_bench(bench, std::cout, std::cerr);
  std::cout << "carewatch " << CAREWATCH_VERSION << "\n";
  return 0;
}
