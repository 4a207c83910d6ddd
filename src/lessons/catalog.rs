//! The lessons, in the seed's order: the scenario, each component, each
//! weakness with its mitigations. Each lesson is three screens: the idea
//! (and a button that sets the simulation up), the one thing to do that
//! shows it, and a self-check question computed from the learner's run.

use super::observe::Fact;
use stackscope_core::seed::Design;

/// Where the learner is sent to do the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The diagram, the controls and the steps (the first screen).
    Journey,
    /// The downtime panel (`#deploy`).
    Downtime,
    /// The availability sweep (`#sweep`).
    Sweep,
    /// The load simulation (`#load`).
    Load,
    /// The firewall editor (`#firewall-editor`, secured design).
    Firewalls,
    /// The monitoring dashboard (`#monitor-panel`).
    Monitoring,
    /// The deploy pipeline (`#pipeline-panel`).
    Pipeline,
    /// The layers of this request (`#layers-panel`).
    Layers,
    /// The backup panel's mistake run (`#mistake`).
    Backups,
}

impl Place {
    /// The panel the lesson links to (its element id) and the link's text;
    /// none for the journey, which the lesson card sits on.
    pub fn link(self) -> Option<(&'static str, &'static str)> {
        match self {
            Place::Journey => None,
            Place::Downtime => Some(("deploy-panel", "Go to the downtime panel ↓")),
            Place::Sweep => Some(("sweep-panel", "Go to the availability sweep ↓")),
            Place::Load => Some(("load-panel", "Go to the load simulation ↓")),
            Place::Firewalls => Some(("firewall-editor", "Go to the firewall editor ↓")),
            Place::Monitoring => Some(("monitor-panel", "Go to the monitoring dashboard ↓")),
            Place::Pipeline => Some(("pipeline-panel", "Go to the deploy pipeline ↓")),
            Place::Layers => Some(("layers-panel", "Go to the layers of this request ↓")),
            Place::Backups => Some(("mistake", "Go to the backups ↓")),
        }
    }
}

/// One lesson (and its checklist item).
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// Stable id: the progress in storage and the deep link use it.
    pub id: &'static str,
    /// The checklist's wording: what the learner can explain once it ticks.
    pub title: &'static str,
    /// The plain-language definition (short, written for this app).
    pub idea: &'static str,
    /// The address the set-up requests, in `design`, every fault
    /// repaired and the DNS cache flushed (`Action::Fresh`).
    pub url: &'static str,
    /// The design the set-up switches to.
    pub design: Design,
    /// The one thing to do that shows the point.
    pub task: &'static str,
    pub place: Place,
    /// What must have been seen in the simulation, all of it, for the item to tick.
    pub needs: &'static [Fact],
}

const HOME: &str = "http://www.foobar.com/";

/// Every lesson, in the order of the seed.
pub const LESSONS: [Lesson; 18] = [
    Lesson {
        id: "scenario",
        title: "What happens when you open www.foobar.com",
        idea: "You type an address; your computer finds the server's address, connects to it, asks for the page and draws what comes back. Every hop below is computed by the simulation.",
        url: HOME,
        design: Design::OneServer,
        task: "Play the request again (or step through it) to its last step, and look at the page the browser shows.",
        place: Place::Journey,
        needs: &[Fact::PlayedHomeToEnd],
    },
    Lesson {
        id: "server",
        title: "What a server is",
        idea: "A server is a computer, physical or virtual, that provides a service to other computers (clients) over a network: it waits for their requests and answers them. Here it is one machine, the diagram's Server box, running three programs: Nginx, the application and the database.",
        url: HOME,
        design: Design::OneServer,
        task: "Step to the moment the server sends the page back to the browser.",
        place: Place::Journey,
        needs: &[Fact::SawServerAnswer],
    },
    Lesson {
        id: "domain",
        title: "The role of the domain name",
        idea: "A domain name (foobar.com) is a name people can remember. DNS turns it into the IP address computers use to reach the server, so the site can move to another address without anyone noticing: change the A record and the same name leads to the new machine.",
        url: HOME,
        design: Design::OneServer,
        task: "Find where the name becomes an address; then press ≠ (a new A record) and ask again.",
        place: Place::Journey,
        needs: &[Fact::SawNameBecomeAddress, Fact::SawNameMoved],
    },
    Lesson {
        id: "www",
        title: "What type of DNS record www is",
        idea: "A DNS record is one line of a zone: a name, a type and a value. The www name here is an alias: it points to another name, which holds the address.",
        url: HOME,
        design: Design::OneServer,
        task: "Find the name server's answer and read the record for www.foobar.com.",
        place: Place::Journey,
        needs: &[Fact::SawWwwRecord],
    },
    Lesson {
        id: "web-server",
        title: "The role of the web server (Nginx)",
        idea: "The web server speaks HTTP with browsers. It sends files it has on disk itself, and hands every other request to the application server.",
        url: "http://www.foobar.com/static/style.css",
        design: Design::OneServer,
        task: "Request a static file and a page, and compare who answers each.",
        place: Place::Journey,
        needs: &[Fact::SawStaticFromNginx, Fact::SawProxiedToApp],
    },
    Lesson {
        id: "app-server",
        title: "The role of the application server",
        idea: "The application server runs the site's code: it reads the request, asks the database for data and builds the page. Without it Nginx can still send files, but not pages.",
        url: HOME,
        design: Design::OneServer,
        task: "Stop the application server and request the home page.",
        place: Place::Journey,
        needs: &[Fact::SawAppDownBadGateway],
    },
    Lesson {
        id: "database",
        title: "The role of the database (MySQL)",
        idea: "The database stores the site's data (posts, users, settings) in tables and answers the application's SQL queries. Here SQLite plays MySQL's role.",
        url: "http://www.foobar.com/posts/hello-world",
        design: Design::OneServer,
        task: "Step to a SQL query and its rows, then stop the database and request the page again.",
        place: Place::Journey,
        needs: &[Fact::SawSqlRows, Fact::SawDatabaseDownError],
    },
    Lesson {
        id: "http",
        title: "How the server and the browser communicate",
        idea: "The browser opens a TCP connection to the server's port 80 and sends an HTTP request, plain text; the server answers with a status line, headers and the page. Each layer rides inside the one below: HTTP inside TCP, TCP inside IP packets addressed to the server.",
        url: HOME,
        design: Design::OneServer,
        task: "In the layers of this request, open the TCP handshake, then the HTTP request, and read their bytes.",
        place: Place::Layers,
        needs: &[Fact::SawHandshake, Fact::SawHttpRequest],
    },
    Lesson {
        id: "spof",
        title: "Single point of failure, and its mitigations",
        idea: "With one server, any part of it that fails takes the site down: it is a single point of failure. Redundancy (more servers behind a load balancer, a database replica) removes it.",
        url: HOME,
        design: Design::OneServer,
        task: "Make the site unreachable without touching the database, run the availability sweep, then survive the same failure in the redundant design.",
        place: Place::Sweep,
        needs: &[
            Fact::SiteDownNotDatabase,
            Fact::SweepShowsSpof,
            Fact::RedundantSurvivedFault,
        ],
    },
    Lesson {
        id: "maintenance",
        title: "Downtime during maintenance, and its mitigations",
        idea: "Deploying new code restarts the application: on one server, the site is down meanwhile. Deploying when traffic is low fails fewer requests; a rolling deploy updates one server at a time while the others answer, at any hour.",
        url: HOME,
        design: Design::OneServer,
        task: "Deploy on the one server and count the failed requests, find a quieter hour for it, then deploy without losing a request.",
        place: Place::Downtime,
        needs: &[
            Fact::SingleDeployLostRequests,
            Fact::QuietHourFewerFailures,
            Fact::RollingDeployLostNone,
        ],
    },
    Lesson {
        id: "scaling",
        title: "Limited scalability, and scaling out",
        idea: "One machine has a limit: past it, requests queue and fail. Scaling up gives it more cores, up to the largest machine, with a restart, and it is still one machine; scaling out adds servers behind a load balancer, until the shared database is the limit.",
        url: HOME,
        design: Design::OneServer,
        task: "Overload one server, then answer the same load with more servers.",
        place: Place::Load,
        needs: &[Fact::OneServerOverloaded, Fact::ScaledOutSameLoad],
    },
    Lesson {
        id: "automation",
        title: "Containers and automated deploys",
        idea: "A container image packs the application with everything it needs, under a version (foobar/app:v2), so every server runs the same thing. A deploy pipeline automates the release: it builds the image, runs the tests, then replaces one server's container at a time, checks its health, and rolls back by itself when a check fails.",
        url: HOME,
        design: Design::Redundant,
        task: "Deploy v2 with the pipeline and see when v1 and v2 both answered; then deploy v3, which cannot start on a server, and watch the pipeline roll it back.",
        place: Place::Pipeline,
        needs: &[Fact::SawVersionSkew, Fact::SawAutoRollback],
    },
    Lesson {
        id: "https",
        title: "HTTPS, and where TLS ends",
        idea: "HTTPS is HTTP inside TLS. Before the request, browser and server agree on keys in a handshake, and the server's certificate, signed by an authority the browser trusts, proves it is the site. In the secured design TLS ends at the load balancer: it decrypts, and the web servers behind it get plain HTTP.",
        url: "https://www.foobar.com/",
        design: Design::Secured,
        task: "Step to the certificate in the handshake, then to the plain request behind the load balancer; then let the certificate expire and request the page.",
        place: Place::Journey,
        needs: &[
            Fact::SawCertificate,
            Fact::SawPlainBehindBalancer,
            Fact::SawCertificateRefused,
        ],
    },
    Lesson {
        id: "firewall",
        title: "Firewalls: drop or reject",
        idea: "A firewall decides, rule by rule, which connections a machine accepts. The secured design opens 80 and 443 on the load balancer to everyone, SSH only to the admin network, and MySQL only to the web servers. A dropped connection gets no answer, so the client waits; a rejected one is refused at once.",
        url: "https://www.foobar.com/",
        design: Design::Secured,
        task: "In the firewall editor, make the load balancer drop HTTPS and request the page; then make it reject HTTPS instead, and compare how long each took.",
        place: Place::Firewalls,
        needs: &[Fact::SawFirewallDrop, Fact::SawFirewallReject],
    },
    Lesson {
        id: "monitoring",
        title: "Monitoring: QPS, errors and an alert",
        idea: "A monitoring agent on each server collects numbers (requests per second from Nginx's status page, errors and latency from its access log, CPU) and sends them to a monitoring service. An alert rule watches them and pages someone when, say, more than 1% of answers are errors for a minute: so a failure is known before users complain.",
        url: "https://www.foobar.com/",
        design: Design::Secured,
        task: "On the monitoring dashboard, stop one server's application and watch when the alert fires; then do the same with two servers behind the balancer, and see what visitors and each server's agent saw.",
        place: Place::Monitoring,
        needs: &[Fact::SawAlertFire, Fact::SawServerOutOfRotation],
    },
    Lesson {
        id: "backups",
        title: "Backups, and why a replica is not one",
        idea: "A backup is a copy of the data kept apart from the server, taken on a schedule (a nightly dump to another machine): when a disk dies or someone deletes the wrong rows, a new database is loaded from it, losing only what was written since. A replica protects availability, not the past: it repeats every statement the primary runs, mistakes included.",
        url: HOME,
        design: Design::Redundant,
        task: "In the backup panel, run the mistaken DELETE: compare what the page lists before the replica replays it, after, and from the dump.",
        place: Place::Backups,
        needs: &[Fact::SawReplicaIsNotBackup],
    },
    Lesson {
        id: "lb-pair",
        title: "A pair of load balancers",
        idea: "One load balancer is itself a single point of failure. Two can share the site's public address by VRRP: the active one holds it and says so every second; when the standby stops hearing it (three missed adverts and a little more), it takes the address over. Requests sent in between are late, not lost: the browser's computer resends its SYN until someone answers.",
        url: "https://www.foobar.com/",
        design: Design::ScaledUp,
        task: "Power off lb-01 and request the page at once: step to the SYNs that went unanswered, then see lb-02 answer. Then run the availability sweep and compare the four designs.",
        place: Place::Journey,
        needs: &[Fact::SawAddressFailover, Fact::SweepShowsSpof],
    },
    Lesson {
        id: "tiers",
        title: "Tiers on machines of their own",
        idea: "Scaling up also splits the stack: web servers run Nginx only, application machines run the application, database machines the data. Each tier grows on its own, and Nginx spreads requests over the application machines as an upstream group: when one does not take the connection, Nginx passes the same request to the next, so the visitor only waits a little.",
        url: "https://www.foobar.com/",
        design: Design::ScaledUp,
        task: "Power off app-01 and request the page: step to the connection Nginx could not open, then to app-02 answering the same request. Request again and see that Nginx no longer tries app-01.",
        place: Place::Journey,
        needs: &[Fact::SawNextUpstream],
    },
];

/// The lesson with this id.
pub fn by_id(id: &str) -> Option<(usize, &'static Lesson)> {
    LESSONS.iter().enumerate().find(|(_, l)| l.id == id)
}
