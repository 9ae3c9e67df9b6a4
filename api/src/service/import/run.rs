//! A bulk import's writing side, fed prepared files in order: new posts that need
//! nothing the run's cache does not know join a group (see [`super::writer`]), written
//! on a task of its own while the next group fills (on PostgreSQL up to two groups at
//! once, see [`Writer::groups_in_flight`]); any other file first waits for the groups to
//! be written, then goes alone (the one-file path). Files are reported in the order
//! they were given.

use std::collections::{HashSet, VecDeque};

use chrono::{DateTime, FixedOffset};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::{
    ImportCache, ImportOptions, Imported, PreparedFile,
    one::import_cached,
    writer::{GROUP_FILES, Group, InFlight, Writer},
};
use crate::error::AppResult;

/// What became of one file.
#[derive(Debug)]
pub struct FileDone {
    /// The file's path as given to [`Run::add`].
    pub path: String,
    pub result: AppResult<Imported>,
    /// The date the file was given because it carries none.
    pub dated_by_fallback: Option<DateTime<FixedOffset>>,
    /// The encoding the file was transcoded from, if it was not UTF-8.
    pub transcoded_from: Option<&'static str>,
}

impl FileDone {
    fn new(path: String, file: &PreparedFile, result: AppResult<Imported>) -> Self {
        super::count_file(result.as_ref().ok().map(|i| i.outcome));
        Self {
            path,
            result,
            dated_by_fallback: file.dated_by_fallback(),
            transcoded_from: file.doc.transcoded_from,
        }
    }
}

/// Files waiting in a group: their paths, and what was prepared.
type Waiting = Vec<(String, PreparedFile)>;

/// See the module docs. Give it files with [`Self::add`], and call [`Self::flush`]
/// before reporting anything else (a file that could not be read) and at the end.
pub struct Run<'a, C> {
    db: &'a C,
    opts: ImportOptions,
    cache: ImportCache,
    writer: Option<&'a Writer>,
    /// The group being filled (none without a writer, as in a dry run).
    group: Option<Group>,
    waiting: Waiting,
    /// Groups being written, oldest first.
    in_flight: VecDeque<(InFlight, Waiting)>,
    groups: Groups,
}

/// How many groups of new posts a run wrote as groups, and how many it wrote file by
/// file instead because the group wrote none of its posts (on PostgreSQL a group that
/// fails is not written at all; on SQLite it keeps the files before the failing one).
/// A file the database refuses makes one; anything else doing so is a fault of the
/// group writer that slows the import down, which the tests watch for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Groups {
    pub written: usize,
    pub file_by_file: usize,
}

impl<'a, C: TransactionTrait + ConnectionTrait> Run<'a, C> {
    /// A run on `db` (loads the cache). Without `writer` (a dry run, where `db` is a
    /// transaction that will be rolled back) every file goes alone.
    pub async fn start(
        db: &'a C,
        opts: ImportOptions,
        writer: Option<&'a Writer>,
    ) -> AppResult<Self> {
        Ok(Self {
            db,
            opts,
            cache: ImportCache::load(db).await?,
            writer,
            group: writer.map(Group::new),
            waiting: Vec::new(),
            in_flight: VecDeque::new(),
            groups: Groups::default(),
        })
    }

    /// How the groups of the run so far were written.
    pub fn groups(&self) -> Groups {
        self.groups
    }

    /// The source paths of the posts that existed when the run started: their files are
    /// most likely unchanged, so their search documents need not be made ahead.
    pub fn known_paths(&self) -> HashSet<String> {
        self.cache.known_paths()
    }

    /// Takes the next file; returns the files whose fate is now known, in order.
    pub async fn add(&mut self, path: String, file: PreparedFile) -> AppResult<Vec<FileDone>> {
        if let Some(group) = &mut self.group
            && group.add(&file, &self.opts, &self.cache)
        {
            self.waiting.push((path, file));
            return if group.len() >= GROUP_FILES {
                self.send().await
            } else {
                Ok(Vec::new())
            };
        }
        let mut done = self.flush().await?;
        let result = import_cached(self.db, &file, &self.opts, &mut self.cache).await;
        done.push(FileDone::new(path, &file, result));
        Ok(done)
    }

    /// Writes and reports every waiting file.
    pub async fn flush(&mut self) -> AppResult<Vec<FileDone>> {
        let mut done = self.send().await?;
        while !self.in_flight.is_empty() {
            done.extend(self.finish().await?);
        }
        Ok(done)
    }

    /// Sends the group filled to be written while the caller goes on, first reporting
    /// the oldest group being written when as many are as the writer takes.
    async fn send(&mut self) -> AppResult<Vec<FileDone>> {
        let (Some(group), Some(writer)) = (&mut self.group, self.writer) else {
            return Ok(Vec::new());
        };
        if group.is_empty() {
            return Ok(Vec::new());
        }
        let mut done = Vec::new();
        while self.in_flight.len() >= writer.groups_in_flight() {
            done.extend(self.finish().await?);
        }
        if let Some(group) = &mut self.group {
            let waiting = std::mem::take(&mut self.waiting);
            self.in_flight
                .push_back((group.send(writer, &mut self.cache), waiting));
        }
        Ok(done)
    }

    /// Waits for the oldest group being written, if any, and reports its files; a file
    /// the group did not write goes alone.
    async fn finish(&mut self) -> AppResult<Vec<FileDone>> {
        let Some((in_flight, waiting)) = self.in_flight.pop_front() else {
            return Ok(Vec::new());
        };
        let outcomes = in_flight.finish(&mut self.cache).await?;
        if !outcomes.is_empty() && outcomes.iter().all(Option::is_none) {
            self.groups.file_by_file += 1;
        } else {
            self.groups.written += 1;
        }
        if outcomes.iter().any(Option::is_none) {
            // Files of this group go alone: let the groups still being written end first,
            // so a file's own transaction never waits on theirs nor they on it.
            for (later, _) in &mut self.in_flight {
                later.settle().await;
            }
        }
        let mut done = Vec::with_capacity(waiting.len());
        for ((path, file), outcome) in waiting.into_iter().zip(outcomes) {
            let result = match outcome {
                Some(imported) => Ok(imported),
                None => import_cached(self.db, &file, &self.opts, &mut self.cache).await,
            };
            done.push(FileDone::new(path, &file, result));
        }
        Ok(done)
    }
}
