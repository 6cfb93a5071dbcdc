// SPDX-License-Identifier: MIT
// A FIFO of jobs served one at a time. A job is {run(signal) -> Promise, cancel()}: cancel
// removes a waiting job, or aborts the running one's signal.

function queueError(code, message) {
    return Object.assign(new Error(message), {code});
}

export class JobQueue {
    /** onBusy() when a job starts being served, onIdle() when the queue empties. */
    constructor({onBusy = () => {}, onIdle = () => {}} = {}) {
        this.waiting = [];
        this.running = null;
        this.onBusy = onBusy;
        this.onIdle = onIdle;
        this.closed = false;
    }

    get waitingCount() { return this.waiting.length; }
    get busy() { return this.running !== null; }

    /**
     * Queues `run(signal)`; returns {done: Promise of run's result (rejects when cancelled
     * before it started), cancel()}.
     */
    push(run) {
        const controller = new AbortController();
        let settle;
        const done = new Promise((resolve, reject) => { settle = {resolve, reject}; });
        const job = {run, controller, settle, started: false};
        const cancel = () => this.#cancel(job);
        if (this.closed) {
            settle.reject(queueError("shutting_down", "the engine is shutting down"));
            return {done, cancel};
        }
        this.waiting.push(job);
        this.#next();
        return {done, cancel};
    }

    /** Aborts the running job and rejects the waiting ones; nothing runs afterwards. */
    close() {
        this.closed = true;
        for (const job of this.waiting.splice(0))
            job.settle.reject(queueError("shutting_down", "the engine is shutting down"));
        this.running?.controller.abort();
    }

    #cancel(job) {
        const index = this.waiting.indexOf(job);
        if (index >= 0) {
            this.waiting.splice(index, 1);
            job.settle.reject(queueError("cancelled", "cancelled before it started"));
        } else if (job.started) {
            job.controller.abort();
        }
    }

    #next() {
        if (this.running || this.waiting.length === 0)
            return;
        const job = this.waiting.shift();
        this.running = job;
        job.started = true;
        this.onBusy();
        Promise.resolve()
            .then(() => job.run(job.controller.signal))
            .then(job.settle.resolve, job.settle.reject)
            .finally(() => {
                this.running = null;
                if (this.waiting.length === 0)
                    this.onIdle();
                this.#next();
            });
    }
}
