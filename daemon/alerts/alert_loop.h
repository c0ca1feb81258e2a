// The thread that runs the alert side's periodic rounds: the events follower (urgent and SLA
// alerts), the SLA watch, the detectors' evaluations, the daily digest. Each task runs on its own
// interval; a task that throws is logged and tried again later with a growing wait (capped),
// so Redis going away pauses the alerts without spinning, and one failing task leaves the
// others alone.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "mention/common/time.h"

namespace carewatch {

class AlertLoop {
 public:
  struct Task {
    std::string name;                      // for logs
    std::chrono::milliseconds every;       // between two rounds
    std::function<void(TimeMs now)> run;
    std::chrono::milliseconds first_after{0};  // the first round, after start()
  };

  AlertLoop();
  ~AlertLoop();                            // stops
  AlertLoop(const AlertLoop&) = delete;
  AlertLoop& operator=(const AlertLoop&) = delete;

  void add(Task task);                     // before start()
  void start();
  void stop();                             // waits for a round under way

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carewatch
