// Kiln: Spark's programming model on MPI. The one header a Kiln program includes.
//
//   #include <kiln/kiln.hpp>
//   int main(int argc, char** argv) {
//     kiln::Context sc(argc, argv);   // rank 0 drives, the other ranks execute
//     auto counts = sc.textFile(argv[1])
//         .flatMap([](const std::string& line) { return kiln::split(line).pairedWith(1L); })
//         .reduceByKey(std::plus<>());   // (word, count)
//     counts.saveAsTextFile(argv[2]);
//   }
//
// The rule that makes it work: every rank runs the whole program, builds the same RDDs and calls
// the same actions in the same order. Transformations only record lineage; an action runs a job
// on the executors and returns the same result on every rank. Use sc.isDriver() or sc.out() for
// what only the driver should do.
//
// What is here:
//   kiln::Context       core/context.hpp  sources (parallelize, range, textFile), configuration
//   kiln::RDD<T>        core/rdd.hpp      transformations and actions, Spark's names
//   kiln::Conf          core/conf.hpp     configuration keys (docs/CONFIGURATION.md)
//   kiln::TaskContext   sched/task_context.hpp  partition and attempt of the running task
//   kiln::split         core/split.hpp    words of a line (or (word, v) pairs), for flatMap
//   kiln::ArrayTask     core/array_task.hpp  this Slurm array task's slice of the inputs
//   kiln::Error, kiln::JobFailed          util/error.hpp
#pragma once

#include "core/array_task.hpp"
#include "core/conf.hpp"
#include "core/context.hpp"
#include "core/rdd.hpp"
#include "core/hdf5_layout.hpp"
#include "core/split.hpp"
#include "sched/task_context.hpp"
#include "util/error.hpp"
