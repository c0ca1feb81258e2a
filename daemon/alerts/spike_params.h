// The detector's parameters from the configuration (detectors.spikes): the daemon and
// `carewatch bench spikes` both take them from here, so the bench measures what runs.
#pragma once

#include "daemon/alerts/spike_detector.h"
#include "daemon/config/spike_config.h"

namespace carewatch {

SpikeParams spike_params_of(const SpikeConfig& config);

}  // namespace carewatch
