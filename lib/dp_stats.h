/* Names of the data-plane counters (enum lispd_stat), for CLIs and logs. */
#ifndef DP_STATS_H
#define DP_STATS_H

/* Stable snake_case name of a counter, or NULL when idx is out of range. */
const char *dp_stat_name(unsigned idx);

#endif
