"""The file formats mltrack reads and writes: the seed files and the export."""
