// carewatch: one binary; this file wires the subcommands (each in its own file) to the command line:
// run | check-config | reset-cursor | classify | bench [classify | spikes | stats] | train | eval | eval-sentiment |
// eval-language | eval-groups | version.
#include <CLI/CLI.hpp>

#include <iostream>

#include "daemon/tools/bench_classify_command.h"
#include "daemon/tools/bench_command.h"
#include "daemon/tools/bench_spikes_command.h"
#include "daemon/cli/bench_stats_command.h"
#include "daemon/cli/check_config_command.h"
#include "daemon/cli/classify_command.h"
#include "daemon/tools/model_commands.h"
#include "daemon/cli/reset_cursor_command.h"
#include "daemon/cli/run_command.h"
#include "daemon/tools/group_eval_command.h"
#include "daemon/tools/language_eval_command.h"
#include "daemon/tools/sentiment_eval_command.h"

#ifndef CAREWATCH_VERSION
#define CAREWATCH_VERSION "0.0.0"
#endif

namespace {

// The labelled data that train and eval read.
template <typename Options>
void add_labelled_data_options(CLI::App* cmd, Options& o) {
  cmd->add_option("--data", o.data, "FILE.csv, FILE.tsv or FILE.jsonl")->required();
  cmd->add_option("--text-field", o.text_field, "Column / field of the text")->capture_default_str();
  cmd->add_option("--label-field", o.label_field, "Column / field of the label")->capture_default_str();
  cmd->add_option("--min-label-count", o.min_label_count,
                  "Leave out labels with fewer examples than this (stray or misspelt labels)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1000000}));
}

// The knobs of training, for train and for eval --folds.
void add_training_options(CLI::App* cmd, carewatch::rules::TrainOptions& o) {
  cmd->add_option("--c", o.c, "Inverse L2 regularisation strength (default 10)")->check(CLI::PositiveNumber);
  cmd->add_option("--char-min", o.char_min, "Shortest character n-gram (default 2)")->check(CLI::Range(1, 16));
  cmd->add_option("--char-max", o.char_max, "Longest character n-gram (default 4)")->check(CLI::Range(1, 16));
  cmd->add_option("--char-weight", o.char_weight, "Weight of the character n-grams against the words (default 1)")
      ->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--min-df", o.min_df, "Keep features seen in at least this many examples (default 1)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--iterations", o.iterations, "L-BFGS iterations at most (default 300)")
      ->check(CLI::Range(1, 100000));
}

}  // namespace

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

  std::string reset_config, reset_source;
  auto* reset_cmd = app.add_subcommand(
      "reset-cursor", "Forget a source's stored position (when the daemon logs that it cannot read it); "
                      "its next poll starts afresh, and dedup keeps mentions from being queued twice");
  reset_cmd->add_option("-c,--config", reset_config, "Configuration file")->required();
  reset_cmd->add_option("source", reset_source, "Name of the source (sources[].name)")->required();

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

  BenchClassifyOptions bench_classify;
  auto* bench_classify_cmd = bench_cmd->add_subcommand(
      "classify", "Measure the full decision (sentiment + complaint model + language + rules) on one "
                  "core, compared with NLTK's VADER on the same texts");
  bench_classify_cmd->add_option("-n,--mentions", bench_classify.mentions, "How many texts")
      ->capture_default_str();
  bench_classify_cmd->add_option("--rules", bench_classify.rules, "Rules in the rule set")
      ->capture_default_str();
  bench_classify_cmd->add_flag("!--no-nltk", bench_classify.compare_nltk, "Skip the NLTK comparison");
  bench_classify_cmd->add_flag("--decide-only", bench_classify.decide_only,
                               "Time RuleSet::decide alone and print its line (to compare two builds)");
  BenchSpikesOptions bench_spikes;
  auto* bench_spikes_cmd = bench_cmd->add_subcommand(
      "spikes", "Measure the spike detector on simulated weeks with injected spikes: detection within two "
                "buckets, delay, false alarms per week");
  bench_spikes_cmd->add_option("--weeks", bench_spikes.weeks, "Simulated weeks")->capture_default_str();
  bench_spikes_cmd->add_option("--spikes", bench_spikes.spikes, "Injected spikes per series")->capture_default_str();
  bench_spikes_cmd->add_option("--factor", bench_spikes.factor, "A spike's rate, times the background")
      ->capture_default_str();
  bench_spikes_cmd->add_option("--duration", bench_spikes.duration, "A spike's length in 5-minute buckets")
      ->capture_default_str();
  bench_spikes_cmd->add_option("--jitter", bench_spikes.jitter, "Over-dispersion of the background (log sd)")
      ->capture_default_str();
  bench_spikes_cmd->add_flag("--unaligned", bench_spikes.unaligned, "Start spikes anywhere in a bucket");
  bench_spikes_cmd->add_option("--seed", bench_spikes.seed, "Random seed")->capture_default_str();
  bench_spikes_cmd->add_option("--threshold", bench_spikes.threshold, "Override detectors.spikes.threshold");
  bench_spikes_cmd->add_option("--min-ratio", bench_spikes.min_ratio, "Override detectors.spikes.min_ratio");
  bench_spikes_cmd->add_option("--min-count", bench_spikes.min_count, "Override detectors.spikes.min_count");
  BenchStatsOptions bench_stats;
  auto* bench_stats_cmd = bench_cmd->add_subcommand(
      "stats", "Measure GET /v1/stats?by=agent over 30 days of generated mentions and events answered from "
               "the figures aggregates in a private Redis, and check it equals the raw computation");
  bench_stats_cmd->add_option("-n,--mentions", bench_stats.mentions, "Mentions in the history")->capture_default_str();
  bench_stats_cmd->add_option("--days", bench_stats.days, "Days of history (the query's window)")->capture_default_str();
  bench_stats_cmd->add_option("--agents", bench_stats.agents, "Agents handling them")->capture_default_str();
  bench_stats_cmd->add_option("--runs", bench_stats.runs, "Timed queries after the first one, which seals the blocks (the median is printed)")->capture_default_str();
  bench_stats_cmd->add_option("--seed", bench_stats.seed, "Random seed")->capture_default_str();
  bench_stats_cmd->add_flag("!--no-check", bench_stats.check, "Skip the comparison with the raw computation");
  bench_cmd->require_subcommand(0, 1);

  TrainCommandOptions train;
  auto* train_cmd = app.add_subcommand(
      "train", "Train a text classifier (e.g. the complaint model) on labelled data (CSV with a "
               "header row, or JSONL)");
  add_labelled_data_options(train_cmd, train);
  train_cmd->add_option("--out", train.out, "Model file to write")->required();
  add_training_options(train_cmd, train.training);

  EvalCommandOptions eval;
  auto* eval_cmd = app.add_subcommand(
      "eval", "Measure a text classifier on labelled data: accuracy, macro-F1, per-class precision "
              "and recall, confusion matrix; --folds K cross-validates training itself");
  add_labelled_data_options(eval_cmd, eval);
  eval_cmd->add_option("--model", eval.model, "Model file (default: the built-in complaint model)");
  eval_cmd->add_option("--folds", eval.folds, "K-fold cross-validation (train and test K times)");
  eval_cmd->add_option("--seed", eval.seed, "Random seed of the fold split")->capture_default_str();
  eval_cmd->add_option("--threshold", eval.threshold,
                       "Two labels: predict the complaint (else the second) label when its probability reaches "
                       "this, as base_category.complaint_at does (default: the more probable label)")
      ->check(CLI::Range(0.0, 1.0));
  eval_cmd->add_flag("--sweep", eval.sweep,
                     "Two labels: also print precision, recall and F1 at thresholds 0.1 to 0.9");
  add_training_options(eval_cmd, eval.training);

  std::string ratings_path;
  auto* eval_sentiment_cmd = app.add_subcommand(
      "eval-sentiment", "Correlate the sentiment score with human ratings (TSV: id, mean_rating, text)");
  eval_sentiment_cmd->add_option("file", ratings_path, "Ratings TSV")->required();

  LanguageEvalOptions eval_language;
  auto* eval_language_cmd = app.add_subcommand(
      "eval-language", "How language detection answers on a file of texts: what the English pass decides "
                       "without CLD2, what CLD2 says of those, and accuracy against a language column");
  eval_language_cmd->add_option("--data", eval_language.data, "FILE.csv, FILE.tsv or FILE.jsonl")->required();
  eval_language_cmd->add_option("--text-field", eval_language.text_field, "Column or field of the text")
      ->capture_default_str();
  eval_language_cmd->add_option("--language-field", eval_language.language_field,
                                "Column or field of each text's true language (optional)");

  GroupEvalOptions eval_groups;
  auto* eval_groups_cmd = app.add_subcommand(
      "eval-groups", "How recurring-issue grouping does on a labelled CSV: replays its texts in time order and "
                     "reports purity against a reason column, coverage and group counts, with baselines");
  eval_groups_cmd->add_option("--data", eval_groups.data, "FILE.csv with a header row")->required();
  eval_groups_cmd->add_option("--text-field", eval_groups.text_field, "Column of the text")->capture_default_str();
  eval_groups_cmd->add_option("--time-field", eval_groups.time_field, "Column of the time posted")->capture_default_str();
  eval_groups_cmd->add_option("--reason-field", eval_groups.reason_field, "Column of the true reason")
      ->capture_default_str();
  eval_groups_cmd->add_option("--author-field", eval_groups.author_field, "Column of the author")->capture_default_str();
  eval_groups_cmd->add_option("--filter-field", eval_groups.filter_field, "Column a row must match (\"\": none)")
      ->capture_default_str();
  eval_groups_cmd->add_option("--filter-value", eval_groups.filter_value, "Value of --filter-field to keep")
      ->capture_default_str();
  eval_groups_cmd->add_option("--brand-field", eval_groups.brand_field, "Column of the brand, for a baseline")
      ->capture_default_str();
  eval_groups_cmd->add_option("--window", eval_groups.window, "Sliding window")->capture_default_str();
  eval_groups_cmd->add_option("--min-mentions", eval_groups.min_mentions, "N")->capture_default_str();
  eval_groups_cmd->add_option("--min-authors", eval_groups.min_authors, "M")->capture_default_str();
  eval_groups_cmd->add_option("--bands", eval_groups.bands, "LSH bands")->capture_default_str();
  eval_groups_cmd->add_option("--rows", eval_groups.rows, "MinHash rows per band")->capture_default_str();
  eval_groups_cmd->add_option("--min-band-hits", eval_groups.min_band_hits, "Band hits to join a group")
      ->capture_default_str();
  eval_groups_cmd->add_option("--bigrams", eval_groups.bigrams, "Bigrams are terms too")->capture_default_str();
  eval_groups_cmd->add_option("--seed", eval_groups.seed, "Seed of the random baseline")->capture_default_str();

  app.add_subcommand("version", "Print the version");

  CLI11_PARSE(app, argc, argv);

  if (*run_cmd) return run_daemon(run);
  if (*check_cmd) return run_check_config(check_path, std::cout, std::cerr);
  if (*reset_cmd) return run_reset_cursor(reset_config, reset_source, std::cout, std::cerr);
  if (*classify_cmd) {
    std::ios::sync_with_stdio(false);
    return run_classify_command(classify_config, classify_rules, std::cin, std::cout, std::cerr);
  }
  if (*bench_classify_cmd) return run_bench_classify(bench_classify, std::cout, std::cerr);
  if (*bench_spikes_cmd) return run_bench_spikes(bench_spikes, std::cout, std::cerr);
  if (*bench_stats_cmd) return run_bench_stats(bench_stats, std::cout, std::cerr);
  if (*bench_cmd) return run_bench(bench, std::cout, std::cerr);
  if (*train_cmd) return run_train(train, std::cout, std::cerr);
  if (*eval_cmd) return run_eval(eval, std::cout, std::cerr);
  if (*eval_sentiment_cmd) return run_sentiment_eval(ratings_path, std::cout, std::cerr);
  if (*eval_language_cmd) return run_language_eval(eval_language, std::cout, std::cerr);
  if (*eval_groups_cmd) return run_group_eval(eval_groups, std::cout, std::cerr);
  std::cout << "carewatch " << CAREWATCH_VERSION << "\n";
  return 0;
}
