//! xml: a small element tree of an XML answer (AWS Query and REST-XML services listed
//! through `raw`), with the few ways listings walk it. Namespaces are dropped (AWS answers
//! declare one default namespace); text is unescaped.

use quick_xml::events::Event;

/// One element: its local name, its text, and its child elements in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub text: String,
    pub children: Vec<Node>,
}

/// Parses a whole document into its root element; `None` when it is not well formed.
pub fn parse(text: &str) -> Option<Node> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Node> = Vec::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(start) => {
                let name = start.local_name().as_ref().to_owned();
                stack.push(Node { name, ..Node::default() });
            }
            Event::Empty(start) => {
                let name = start.local_name().as_ref().to_owned();
                let node = Node { name, ..Node::default() };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => return Some(node),
                }
            }
            Event::Text(text) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(text.as_ref());
                }
            }
            Event::CData(data) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(data.as_ref());
                }
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref().ok()? {
                    Some(c) => c,
                    None => match reference.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => return None,
                    },
                };
                if let Some(node) = stack.last_mut() {
                    node.text.push(resolved);
                }
            }
            Event::End(_) => {
                let mut node = stack.pop()?;
                if !node.children.is_empty() {
                    node.text.clear();
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => return Some(node),
                }
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

impl Node {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The children named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first element named `name` anywhere below (depth first).
    pub fn find(&self, name: &str) -> Option<&Node> {
        self.children.iter().find_map(|c| if c.name == name { Some(c) } else { c.find(name) })
    }

    /// The text of the child named `name`, when it has any.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim()).filter(|t| !t.is_empty())
    }

    /// The items of a list: the children of the element named `list` found anywhere below
    /// (`<Roles><member>…</member></Roles>`), each item whatever its element is called.
    pub fn list<'a>(&'a self, list: &str) -> &'a [Node] {
        self.find(list).map_or(&[], |l| l.children.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_30_answers_read_as_trees_with_text_unescaped() {
        let doc = parse(
            r#"<?xml version="1.0"?><ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
            <ListRolesResult><IsTruncated>true</IsTruncated><Marker>m&amp;1</Marker>
            <Roles><member><RoleName>a&#x20;b</RoleName><Path>/</Path></member><member><RoleName>c</RoleName><Tags/></member></Roles>
            </ListRolesResult></ListRolesResponse>"#,
        )
        .expect("parses");
        assert_eq!(doc.name, "ListRolesResponse");
        assert_eq!(doc.find("Marker").map(|m| m.text.as_str()), Some("m&1"));
        let roles = doc.list("Roles");
        assert_eq!(roles.len(), 2);
        assert_eq!(roles[0].text("RoleName"), Some("a b"));
        assert_eq!(roles[1].text("Tags"), None);
        assert!(parse("<a><b></a>").is_none());
        assert!(parse("<a><b></b>").is_none());
    }
}
